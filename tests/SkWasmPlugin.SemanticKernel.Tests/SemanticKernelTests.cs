using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using SkWasmPlugin.SemanticKernel;

namespace SkWasmPlugin.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class SemanticKernelTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Kernel_auto_function_calling_invokes_the_plugin_and_returns_sandbox_json()
    {
        var scripted = new ScriptedChatClient()
            .CallTool("CodeInterpreter_execute_python", new Dictionary<string, object?> { ["code"] = "print(2 ** 10)" })
            .Then((messages, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant,
                "Result: " + messages.SelectMany(m => m.Contents).OfType<Microsoft.Extensions.AI.FunctionResultContent>().Single().Result)));
        var builder = Kernel.CreateBuilder();
        // What SK's own connectors do: the kernel's auto function calling runs in this middleware.
        builder.Services.AddSingleton<IChatClient>(new ChatClientBuilder(scripted).UseKernelFunctionInvocation().Build());
        var kernel = builder.Build();
        kernel.Plugins.AddWasmCodeInterpreter(fixture.Sandbox);

        var answer = await kernel.InvokePromptAsync("What is 2 to the 10th?",
            new KernelArguments(new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }));

        Assert.Contains("1024", answer.ToString());
        Assert.Contains("outcome", answer.ToString());
        Assert.Contains("success", answer.ToString());
        Assert.Equal(2, scripted.Requests.Count);
        Assert.Contains(scripted.Requests[0].Options!.Tools!, t => t.Name == "CodeInterpreter_execute_python");
    }

    [Fact]
    public async Task Approval_hook_refusal_reaches_the_kernel_as_a_result()
    {
        var kernel = Kernel.CreateBuilder().Build();
        var plugin = kernel.Plugins.AddWasmCodeInterpreter(fixture.Sandbox,
            new SkWasmPlugin.AI.CodeInterpreterOptions { ApprovalHandler = _ => ValueTask.FromResult(false) });
        var result = await kernel.InvokeAsync(plugin["execute_python"], new KernelArguments { ["code"] = "print(1)" });
        Assert.Contains("refused", result.ToString());
    }

    [Fact]
    public async Task Functions_invoke_directly_through_the_kernel()
    {
        var kernel = Kernel.CreateBuilder().Build();
        var plugin = kernel.Plugins.AddWasmCodeInterpreter(fixture.Sandbox);
        var created = await kernel.InvokeAsync(plugin["create_session"]);
        string session = System.Text.Json.JsonDocument.Parse(created.ToString()).RootElement.GetProperty("sessionId").GetString()!;
        await kernel.InvokeAsync(plugin["write_file"], new KernelArguments { ["sessionId"] = session, ["path"] = "n.txt", ["content"] = "21" });
        var run = await kernel.InvokeAsync(plugin["execute_javascript"], new KernelArguments
        {
            ["sessionId"] = session,
            ["code"] = "```js\nconst fs = require('fs');\nconsole.log(Number(fs.readFileSync('n.txt', 'utf8')) * 2);\n```",
        });
        Assert.Equal("42\n", System.Text.Json.JsonDocument.Parse(run.ToString()).RootElement.GetProperty("stdout").GetString());
    }

    [Fact]
    public void Builder_extension_registers_the_plugin_with_every_function()
    {
        var builder = Kernel.CreateBuilder();
        builder.Plugins.AddWasmCodeInterpreter(o => o.Sessions.StoragePath = Path.Combine(fixture.Root, "sk-builder"));
        var kernel = builder.Build();
        var plugin = kernel.Plugins[WasmCodeInterpreterPlugin.DefaultName];
        Assert.Equal(SkWasmPlugin.AI.WasmSandboxTools.Names.Count, plugin.FunctionCount);
        Assert.Contains(plugin, f => f.Name == "list_runtimes");
        Assert.Contains(plugin, f => f.Name == "destroy_session");
        Assert.Equal(SkWasmPlugin.AI.ToolDescriptions.ExecutePython, plugin["execute_python"].Description);
    }
}

[Collection(SandboxCollection.Name)]
public sealed class SemanticKernelImageTests(SandboxFixture fixture)
{
    [Fact]
    public async Task A_chart_reaches_the_model_as_image_content_through_kernel_function_calling()
    {
        var scripted = new ScriptedChatClient()
            .CallTool("CodeInterpreter_execute_python", new Dictionary<string, object?>
            {
                ["code"] = "import pygal\nc = pygal.Bar(width=300, height=200)\nc.add('x', [1, 3, 2])\nc.render_to_file('bars.svg')",
            })
            .Reply("Done.");
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton<IChatClient>(new ChatClientBuilder(scripted).UseKernelFunctionInvocation().Build());
        var kernel = builder.Build();
        kernel.Plugins.AddWasmCodeInterpreter(fixture.Sandbox);

        await kernel.InvokePromptAsync("Chart it.", new KernelArguments(new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }));

        var result = scripted.Requests[1].Messages.SelectMany(m => m.Contents).OfType<Microsoft.Extensions.AI.FunctionResultContent>().Single();
        var contents = Assert.IsAssignableFrom<IEnumerable<AIContent>>(result.Result).ToList();
        var image = contents.OfType<DataContent>().Single();
        Assert.Equal("image/png", image.MediaType);
        Assert.True(image.Data.Span.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
        Assert.Contains("\"outcome\":\"success\"", contents.OfType<Microsoft.Extensions.AI.TextContent>().Single().Text);
    }
}
