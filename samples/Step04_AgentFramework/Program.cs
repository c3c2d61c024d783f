// Step 4: a Microsoft Agent Framework agent (ChatClientAgent) that uses the sandbox tools.
// dotnet run --project samples/Step04_AgentFramework -- "Convert 'Hello World' to a SHA-256 hex digest"
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using SkWasmPlugin.AI;
using SkWasmPlugin.Samples;
using SkWasmPlugin.Sandbox;

var model = ChatClientFactory.RequireOrExit();
await using var sandbox = new WasmCodeSandbox();
AIAgent agent = new ChatClientAgent(
    model,
    instructions: PromptLibrary.Get(PromptLibrary.CodeInterpreterSystem),
    name: "coder",
    tools: [.. WasmSandboxTools.Create(sandbox)]);

var conversation = await agent.CreateSessionAsync();
await foreach (string question in ChatClientFactory.Inputs(args))
{
    var response = await agent.RunAsync(question, conversation);
    Console.WriteLine(response.Text);
}
