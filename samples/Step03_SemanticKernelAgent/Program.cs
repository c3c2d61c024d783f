// Step 3: a Semantic Kernel agent with the code interpreter plugin answering questions about a CSV that is
// uploaded into its session. dotnet run --project samples/Step03_SemanticKernelAgent -- "Which region sold most?"
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using SkWasmPlugin.AI;
using SkWasmPlugin.Samples;
using SkWasmPlugin.Sandbox;
using SkWasmPlugin.SemanticKernel;

var model = ChatClientFactory.RequireOrExit();
var builder = Kernel.CreateBuilder();
// The kernel's auto function calling runs in this middleware, as with SK's own connectors.
builder.Services.AddSingleton<IChatClient>(new ChatClientBuilder(model).UseKernelFunctionInvocation().Build());
builder.Plugins.AddWasmCodeInterpreter();
var kernel = builder.Build();

var sandbox = kernel.Services.GetRequiredService<ICodeSandbox>();
var session = await sandbox.Sessions.CreateAsync(new SessionOptions { Language = Language.Python });
await sandbox.Sessions.WriteFileAsync(session.Id, "sales.csv", await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "data", "sales.csv")));
Console.Error.WriteLine($"session {session.Id}: /app/sales.csv uploaded");

var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
await foreach (string question in ChatClientFactory.Inputs(args))
{
    string prompt = $"""
        {PromptLibrary.Get(PromptLibrary.CodeInterpreterSystem)}
        Use sessionId "{session.Id}". The file /app/sales.csv has the columns date, region, product, units, price.
        Answer from the data, computed with code, in one or two sentences.

        Question: {question}
        """;
    var answer = await kernel.InvokePromptAsync(prompt, new KernelArguments(settings));
    Console.WriteLine(answer);
}
await sandbox.Sessions.DestroyAsync(session.Id);
