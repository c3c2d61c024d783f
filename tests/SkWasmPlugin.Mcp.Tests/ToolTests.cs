using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SkWasmPlugin.AI;

namespace SkWasmPlugin.Mcp.Tests;

[Collection(McpCollection.Name)]
public sealed class ToolTests(McpFixture fixture)
{
    [Fact]
    public async Task ListsTheOneToolSetWithItsNamesDescriptionsSchemasAndHints()
    {
        var tools = await fixture.Stdio.ListToolsAsync();
        var set = WasmSandboxTools.Create(fixture.Sandbox);
        Assert.Equal(set.Select(t => t.Name).Order(), tools.Select(t => t.Name).Order());
        foreach (var tool in tools)
        {
            var expected = set[tool.Name];
            Assert.Equal(expected.Description, tool.Description);
            Assert.Equal(expected.JsonSchema.GetRawText(), tool.JsonSchema.GetRawText());
            Assert.Equal(expected.Hints.ReadOnly, tool.ProtocolTool.Annotations?.ReadOnlyHint);
            Assert.Equal(expected.Hints.Destructive, tool.ProtocolTool.Annotations?.DestructiveHint);
            Assert.False(tool.ProtocolTool.Annotations?.OpenWorldHint);
        }

        var properties = tools.Single(t => t.Name == ToolDescriptions.ExecuteCodeName).JsonSchema.GetProperty("properties");
        foreach (string p in new[] { "language", "code", "sessionId", "stdin", "fuel", "timeoutMs", "memoryMb" })
            Assert.True(properties.TryGetProperty(p, out _), p);
    }

    [Fact]
    public async Task RunsPythonOverStdio()
    {
        var result = await fixture.Stdio.CallToolAsync(ToolDescriptions.ExecuteCodeName,
            new Dictionary<string, object?> { ["language"] = "python", ["code"] = "print(6*7)" });
        Assert.NotEqual(true, result.IsError);
        var json = result.Structured();
        Assert.Equal("success", json.GetProperty("outcome").GetString());
        Assert.Equal("42\n", json.GetProperty("stdout").GetString());
        Assert.Contains("42", result.Text());
    }

    [Fact]
    public async Task AChartComesBackAsAnImageContentBlock()
    {
        var result = await fixture.Stdio.CallToolAsync(ToolDescriptions.ExecuteCodeName, new Dictionary<string, object?>
        {
            ["language"] = "python",
            ["code"] = "import pygal\nc = pygal.Pie(width=300, height=200)\nc.add('a', 2)\nc.add('b', 1)\nc.render_to_file('pie.svg')\n21 * 2",
        });
        Assert.NotEqual(true, result.IsError);
        Assert.Equal("42", result.Structured().GetProperty("result").GetString());
        var image = Assert.Single(result.Content.OfType<ImageContentBlock>());
        Assert.Equal("image/png", image.MimeType);
        Assert.True(image.DecodedData.Span.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
        Assert.Contains(result.Structured().GetProperty("files").EnumerateArray(), f => f.GetProperty("path").GetString() == "pie.svg");
    }

    [Fact]
    public async Task RunsJavaScriptOverHttp()
    {
        await using var client = await fixture.ConnectHttpAsync();
        var result = await client.CallToolAsync(ToolDescriptions.ExecuteCodeName,
            new Dictionary<string, object?> { ["language"] = "javascript", ["code"] = "console.log([1,2,3].map(x => x * 2).join(','))" });
        Assert.NotEqual(true, result.IsError);
        Assert.Equal("2,4,6\n", result.Structured().GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task SessionRoundTrip()
    {
        await using var client = await fixture.ConnectHttpAsync();
        string id = await CreateSessionAsync(client);

        var written = await client.CallToolAsync(ToolDescriptions.WriteFileName,
            new Dictionary<string, object?> { ["sessionId"] = id, ["path"] = "data.txt", ["content"] = "3\n4\n5\n" });
        Assert.NotEqual(true, written.IsError);

        var run = await client.CallToolAsync(ToolDescriptions.ExecuteCodeName, new Dictionary<string, object?>
        {
            ["language"] = "python",
            ["sessionId"] = id,
            ["code"] = "nums = [int(x) for x in open('/app/data.txt').read().split()]\nopen('out.txt', 'w').write(str(sum(nums)))\nprint('ok')",
        });
        Assert.Equal("success", run.Structured().GetProperty("outcome").GetString());

        var read = await client.CallToolAsync(ToolDescriptions.ReadFileName,
            new Dictionary<string, object?> { ["sessionId"] = id, ["path"] = "out.txt" });
        Assert.Equal("12", read.Structured().GetProperty("content").GetString());

        var files = await client.CallToolAsync(ToolDescriptions.ListFilesName, new Dictionary<string, object?> { ["sessionId"] = id });
        Assert.Contains("out.txt", files.Text());

        var reset = await client.CallToolAsync(ToolDescriptions.ResetSessionName,
            new Dictionary<string, object?> { ["sessionId"] = id, ["clearFiles"] = true });
        Assert.NotEqual(true, reset.IsError);
        var gone = await client.CallToolAsync(ToolDescriptions.ReadFileName,
            new Dictionary<string, object?> { ["sessionId"] = id, ["path"] = "out.txt" });
        Assert.True(gone.IsError);

        var destroyed = await client.CallToolAsync(ToolDescriptions.DestroySessionName, new Dictionary<string, object?> { ["sessionId"] = id });
        Assert.NotEqual(true, destroyed.IsError);
        Assert.Null(await fixture.Sandbox.Sessions.GetAsync(id));
    }

    [Fact]
    public async Task ErrorGuidanceArrivesInStructuredContent()
    {
        var result = await fixture.Stdio.CallToolAsync(ToolDescriptions.ExecuteCodeName,
            new Dictionary<string, object?> { ["language"] = "python", ["code"] = "total = 1\nprint(totl)" });
        Assert.NotEqual(true, result.IsError); // the program failed, the tool did not
        var json = result.Structured();
        Assert.Equal("error", json.GetProperty("outcome").GetString());
        var guidance = json.GetProperty("guidance");
        Assert.Equal("NameError", guidance.GetProperty("errorType").GetString());
        Assert.Equal(2, guidance.GetProperty("line").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(guidance.GetProperty("fix").GetString()));
        Assert.Contains("NameError", result.Text());
    }

    [Fact]
    public async Task CallerErrorsAreToolErrors()
    {
        var result = await fixture.Stdio.CallToolAsync(ToolDescriptions.ExecuteCodeName,
            new Dictionary<string, object?> { ["language"] = "cobol", ["code"] = "DISPLAY 'HI'." });
        Assert.True(result.IsError);
        Assert.Equal("invalid_argument", result.Structured().GetProperty("kind").GetString());

        var missing = await fixture.Stdio.CallToolAsync(ToolDescriptions.ListFilesName, new Dictionary<string, object?> { ["sessionId"] = "no-such-session" });
        Assert.True(missing.IsError);
        Assert.Equal("session_not_found", missing.Structured().GetProperty("kind").GetString());
    }

    [Fact]
    public async Task ListRuntimesDescribesBothLanguages()
    {
        var result = await fixture.Stdio.CallToolAsync(ToolDescriptions.ListRuntimesName);
        Assert.NotEqual(true, result.IsError);
        string text = result.Text().ToLowerInvariant();
        Assert.Contains("python", text);
        Assert.Contains("javascript", text);
    }

    [Fact]
    public async Task UnknownToolIsAProtocolError()
    {
        await Assert.ThrowsAnyAsync<McpException>(() => fixture.Stdio.CallToolAsync("no_such_tool").AsTask());
        // The connection survives.
        Assert.NotEmpty(await fixture.Stdio.ListToolsAsync());
    }

    internal static async Task<string> CreateSessionAsync(McpClient client)
    {
        var created = await client.CallToolAsync(ToolDescriptions.CreateSessionName);
        Assert.NotEqual(true, created.IsError);
        return created.Structured().GetProperty("sessionId").GetString()!;
    }
}
