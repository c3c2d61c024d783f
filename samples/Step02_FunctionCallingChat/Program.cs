// Step 2: a chat app whose model can run code. Any IChatClient + UseFunctionInvocation + the sandbox tools.
// dotnet run --project samples/Step02_FunctionCallingChat -- "What is the 40th Fibonacci number?"
// (or pipe questions on stdin, one per line). Needs a model: see samples/README.md.
using Microsoft.Extensions.AI;
using SkWasmPlugin.AI;
using SkWasmPlugin.Samples;
using SkWasmPlugin.Sandbox;

var model = ChatClientFactory.RequireOrExit();
await using var sandbox = new WasmCodeSandbox();
var tools = WasmSandboxTools.Create(sandbox);
using var chat = new ChatClientBuilder(model).UseFunctionInvocation().Build();

var history = new List<ChatMessage> { new(ChatRole.System, PromptLibrary.Get(PromptLibrary.CodeInterpreterSystem)) };
var options = new ChatOptions { Tools = [.. tools] };
await foreach (string question in ChatClientFactory.Inputs(args))
{
    history.Add(new ChatMessage(ChatRole.User, question));
    var response = await chat.GetResponseAsync(history, options);
    history.AddMessages(response);
    foreach (var call in response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
        Console.Error.WriteLine($"[tool] {call.Name}");
    Console.WriteLine(response.Text);
}
