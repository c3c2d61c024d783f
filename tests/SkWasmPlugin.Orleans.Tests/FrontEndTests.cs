using System.Text.Json;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SkWasmPlugin.AI;
using SkWasmPlugin.Mcp;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans.Tests;

/// <summary>The layers built on <see cref="ICodeSandbox"/> run against the cluster unchanged.</summary>
public sealed class FrontEndTests : IAsyncLifetime
{
    private readonly ClusterFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task Two_MCP_HTTP_front_ends_on_the_cluster_serve_one_session_space()
    {
        // Two front ends, each its own ICodeSandbox over the cluster client, as two processes behind a load balancer
        // would be (MCP sessions are sticky to their front end; the sandbox sessions live in the cluster).
        var options = (ICodeSandbox sandbox) => new SkWasmMcpServerOptions { Sandbox = sandbox };
        await using var frontA = await SkWasmMcpServer.StartHttpAsync("http://127.0.0.1:0", options(new ClusterCodeSandbox(_fixture.Cluster.Client)));
        await using var frontB = await SkWasmMcpServer.StartHttpAsync("http://127.0.0.1:0", options(new ClusterCodeSandbox(_fixture.Cluster.Client)));
        await using var clientA = await Connect(frontA.Endpoint);
        await using var clientB = await Connect(frontB.Endpoint);

        string idA = await Session(clientA, "total = 40");
        string idB = await Session(clientB, "total = 1");
        Assert.Equal("42\n", await Stdout(clientA, "total += 2\nprint(total)", idA));
        Assert.Equal("2\n", await Stdout(clientB, "total += 1\nprint(total)", idB));

        // Both live in the one cluster: its sandbox sees them with their state...
        var listed = (await _fixture.Sandbox.Sessions.ListAsync()).Select(s => s.Id).ToList();
        Assert.Contains(idA, listed);
        Assert.Contains(idB, listed);
        var direct = await _fixture.Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "print(total)") { SessionId = idA });
        Assert.Equal("42\n", direct.Stdout);
        // ...while each front end keeps its clients apart.
        var intruder = await clientB.CallToolAsync(ToolDescriptions.ExecuteCodeName,
            new Dictionary<string, object?> { ["language"] = "python", ["code"] = "print(total)", ["sessionId"] = idA });
        Assert.True(intruder.IsError);
        Assert.Equal("session_not_found", Structured(intruder).GetProperty("kind").GetString());
    }

    private static async Task<string> Session(McpClient client, string code)
    {
        var created = await client.CallToolAsync(ToolDescriptions.CreateSessionName, new Dictionary<string, object?>());
        string id = Structured(created).GetProperty("sessionId").GetString()!;
        Assert.Equal("", await Stdout(client, code, id));
        return id;
    }

    private static async Task<string?> Stdout(McpClient client, string code, string session)
    {
        var run = await client.CallToolAsync(ToolDescriptions.ExecuteCodeName,
            new Dictionary<string, object?> { ["language"] = "python", ["code"] = code, ["sessionId"] = session });
        Assert.True(Structured(run).TryGetProperty("stdout", out var stdout), Structured(run).ToString());
        return stdout.GetString();
    }

    [Fact]
    public async Task The_AI_tool_set_runs_on_the_cluster()
    {
        var tools = WasmSandboxTools.Create(_fixture.Sandbox);
        var run = tools[ToolDescriptions.ExecuteCodeName];
        var result = await run.InvokeAsync(new AIFunctionArguments { ["language"] = "python", ["code"] = "import statistics\nstatistics.mean([1, 2, 3])" });
        Assert.Contains("\"result\":\"2\"", result?.ToString(), StringComparison.Ordinal);

        var runtimes = await tools[ToolDescriptions.ListRuntimesName].InvokeAsync(new AIFunctionArguments());
        Assert.Contains("python", runtimes?.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    private static Task<McpClient> Connect(Uri endpoint) =>
        McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = HttpTransportMode.StreamableHttp }));

    private static JsonElement Structured(CallToolResult result) =>
        result.StructuredContent ?? throw new InvalidOperationException("No structured content: "
            + string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text)));
}
