using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SkWasmPlugin.AI;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class ToolTests(SandboxFixture fixture)
{
    private static async Task<JsonNode> Invoke(AIFunction function, Dictionary<string, object?> args)
    {
        var value = await function.InvokeAsync(new AIFunctionArguments(args));
        string text = value is System.Text.Json.JsonElement e && e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString()! : value!.ToString()!;
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public void Exposes_every_tool_with_the_shared_descriptions()
    {
        var tools = WasmSandboxTools.Create(fixture.Sandbox);
        var names = tools.Select(t => t.Name).ToList();
        Assert.Equal(["execute_python", "execute_javascript", "execute_code", "create_session", "destroy_session", "reset_session",
            "list_files", "read_file", "write_file", "get_workspace_info", "install_package", "list_runtimes"], names);
        Assert.Equal(ToolDescriptions.ExecutePython, tools[0].Description);
        Assert.Contains("code", tools[0].JsonSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Tool_descriptions_name_exactly_the_vendored_packages()
    {
        // "name (import name)" entries: the first word of each is the package name.
        var named = ToolDescriptions.VendoredPackages.Split(", ").Select(p => p.Split(' ')[0]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(fixture.Sandbox.Describe().VendoredPackages.Order(StringComparer.Ordinal).ToList(), named);
        Assert.Contains("sympy", ToolDescriptions.ExecutePython);
    }

    [Fact]
    public async Task Runs_fenced_code_and_returns_compact_json()
    {
        var python = WasmSandboxTools.Create(fixture.Sandbox).Single(t => t.Name == "execute_python");
        var json = await Invoke(python, new() { ["code"] = "```python\nprint(6 * 7)\n```" });
        Assert.Equal("success", (string?)json["outcome"]);
        Assert.Equal("42\n", (string?)json["stdout"]);
        Assert.Equal("efficient", (string?)json["fuelAnalysis"]!["status"]);
    }

    [Fact]
    public async Task Session_tools_round_trip_files_and_state()
    {
        var tools = WasmSandboxTools.Create(fixture.Sandbox).ToDictionary(t => t.Name);
        string session = (string)(await Invoke(tools["create_session"], new()))["sessionId"]!;
        await Invoke(tools["write_file"], new() { ["sessionId"] = session, ["path"] = "data/in.csv", ["content"] = "a,b\n1,2\n3,4\n" });
        var run = await Invoke(tools["execute_python"], new()
        {
            ["sessionId"] = session,
            ["code"] = "import csv\nrows = list(csv.DictReader(open('data/in.csv')))\ntotal = sum(int(r['b']) for r in rows)\nopen('out.txt', 'w').write(str(total))\nprint(total)",
        });
        Assert.Equal("6\n", (string?)run["stdout"]);
        var file = await Invoke(tools["read_file"], new() { ["sessionId"] = session, ["path"] = "out.txt" });
        Assert.Equal("6", (string?)file["content"]);
        var info = await Invoke(tools["get_workspace_info"], new() { ["sessionId"] = session });
        Assert.Contains("total", info["variables"]!["python"]!.AsArray().Select(n => (string?)n));
        var listed = await Invoke(tools["list_files"], new() { ["sessionId"] = session });
        Assert.Contains("out.txt", listed["files"]!.AsArray().Select(f => (string?)f!["path"]));
    }

    [Fact]
    public async Task Caller_errors_and_refusals_come_back_as_results()
    {
        var tools = new CodeInterpreterTools(fixture.Sandbox, new CodeInterpreterOptions { ApprovalHandler = r => ValueTask.FromResult(!r.Code.Contains("forbidden")) });
        Assert.Equal("refused", (await tools.ExecutePythonAsync("print('forbidden')")).ErrorKind);
        Assert.Equal("session_not_found", (await tools.ExecutePythonAsync("print(1)", "no-such-session")).ErrorKind);
        Assert.Equal("invalid_argument", (await tools.ExecuteCodeAsync("cobol", "x")).ErrorKind);
        var bad = await tools.ReadFileAsync("bad id!", "x");
        Assert.True(bad.IsError);
        Assert.Equal("invalid_argument", bad.ErrorKind);
        Assert.DoesNotContain("(Parameter", bad.Json);
        Assert.False((await tools.ExecutePythonAsync("print(1)")).IsError);
    }

    [Fact]
    public async Task A_chat_client_with_function_invocation_calls_the_sandbox()
    {
        var scripted = new ScriptedChatClient()
            .CallTool("execute_python", new Dictionary<string, object?> { ["code"] = "print(sum(range(10)))" })
            .Then((messages, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant,
                "The sum is " + messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single().Result)));
        using var client = new ChatClientBuilder(scripted).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("What is the sum of 0..9?", new ChatOptions { Tools = [.. WasmSandboxTools.Create(fixture.Sandbox)] });

        Assert.Contains("45", response.Text);
        Assert.Equal(2, scripted.Requests.Count);
        Assert.NotNull(scripted.Requests[0].Options?.Tools);
    }

    [Theory]
    [InlineData("```python\nprint(1)\n```", "print(1)")]
    [InlineData("python\nprint(1)", "print(1)")]
    [InlineData("`print(1)`", "print(1)")]
    [InlineData("x = 1\n\nprint(x)\n", "x = 1\n\nprint(x)")]
    public void Sanitizer_unwraps_what_models_add(string input, string expected) => Assert.Equal(expected, CodeSanitizer.Sanitize(input));
}
