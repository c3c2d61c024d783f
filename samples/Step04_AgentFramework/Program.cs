// Step 4: a Microsoft Agent Framework agent with the sandbox.
//  - WasmSandboxContextProvider: each agent session gets its own sandbox session (files in /app, variables kept), and the
//    tools bound to it; the sandbox session is deleted with the agent session.
//  - WasmSkillScriptRunner: agent-skill scripts (skills/csv-stats/scripts/stats.py) run in the sandbox, not on the host.
// dotnet run --project samples/Step04_AgentFramework -- "What are the mean and max of units in: region,units / N,120 / S,80?"
using Microsoft.Agents.AI;
using SkWasmPlugin.AgentFramework;
using SkWasmPlugin.AI;
using SkWasmPlugin.Samples;
using SkWasmPlugin.Sandbox;

var model = ChatClientFactory.RequireOrExit();
await using var sandbox = new WasmCodeSandbox();
var sandboxProvider = new WasmSandboxContextProvider(sandbox);
using var skills = new AgentSkillsProviderBuilder()
    .UseFileSkill(Path.Combine(AppContext.BaseDirectory, "skills"), null, WasmSkillScriptRunner.Create(sandbox))
    .Build();

AIAgent agent = new ChatClientAgent(model, new ChatClientAgentOptions
{
    Name = "coder",
    ChatOptions = new() { Instructions = PromptLibrary.Get(PromptLibrary.CodeInterpreterSystem) },
    AIContextProviders = [sandboxProvider, skills],
});

var conversation = await agent.CreateSessionAsync();
try
{
    await foreach (string question in ChatClientFactory.Inputs(args))
    {
        var response = await agent.RunAsync(question, conversation);
        Console.WriteLine(response.Text);
    }
}
finally
{
    await sandboxProvider.DeleteSessionAsync(conversation);
}
