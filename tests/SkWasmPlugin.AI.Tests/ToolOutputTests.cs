using Microsoft.Extensions.AI;
using SkWasmPlugin.AI;

namespace SkWasmPlugin.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class ToolOutputTests(SandboxFixture fixture)
{
    [Fact]
    public async Task An_observer_on_the_arguments_sees_the_output_in_order_while_it_runs()
    {
        var tools = WasmSandboxTools.Create(fixture.Sandbox);
        var chunks = new List<(OutputStream Stream, string Text)>();
        var args = new AIFunctionArguments(new Dictionary<string, object?>
        {
            ["code"] = "import sys, time\nprint('first')\ntime.sleep(0.2)\nprint('oops', file=sys.stderr)\nprint('second')",
        }).Observe((chunk, _) => { chunks.Add((chunk.Stream, chunk.Text)); return ValueTask.CompletedTask; });
        var result = await tools["execute_python"].InvokeToolAsync(args);
        Assert.Equal("first\nsecond\n", result.Value.GetProperty("stdout").GetString());
        Assert.Equal([(OutputStream.Stdout, "first\n"), (OutputStream.Stderr, "oops\n"), (OutputStream.Stdout, "second\n")], chunks);
        Assert.False(tools["execute_python"].JsonSchema.GetProperty("properties").TryGetProperty("invocation", out _));
    }
}
