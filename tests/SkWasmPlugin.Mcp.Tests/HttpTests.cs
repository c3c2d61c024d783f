using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;
using SkWasmPlugin.AI;

namespace SkWasmPlugin.Mcp.Tests;

[Collection(McpCollection.Name)]
public sealed class HttpTests(McpFixture fixture)
{
    private const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    private static readonly HttpClient Raw = new();

    private HttpRequestMessage Post(string body, string? token, string? path = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path is null ? fixture.Http.Endpoint : new Uri(fixture.Http.Endpoint, path)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [Fact]
    public async Task MissingTokenIs401()
    {
        using var response = await Raw.SendAsync(Post(Initialize, null));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task WrongTokenIs401()
    {
        using var response = await Raw.SendAsync(Post(Initialize, "wrong-token"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var shortToken = await Raw.SendAsync(Post(Initialize, McpFixture.Token[..^1]));
        Assert.Equal(HttpStatusCode.Unauthorized, shortToken.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => fixture.ConnectHttpAsync("wrong-token"));
    }

    [Fact]
    public async Task TheEndpointIsServedAtTheRootAndAtSlashMcpBehindTheSameGuard()
    {
        await using var client = await fixture.ConnectHttpAsync(path: "/mcp");
        var result = await client.CallToolAsync(ToolDescriptions.ExecuteCodeName,
            new Dictionary<string, object?> { ["language"] = "python", ["code"] = "print(6*7)" });
        Assert.Equal("42\n", result.Structured().GetProperty("stdout").GetString());

        using var refused = await Raw.SendAsync(Post(Initialize, "wrong-token", "/mcp"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task RightTokenListsTools()
    {
        using var response = await Raw.SendAsync(Post(Initialize, McpFixture.Token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await using var client = await fixture.ConnectHttpAsync();
        var tools = await client.ListToolsAsync();
        Assert.Equal(AI.WasmSandboxTools.Names.Count, tools.Count);
    }

    [Fact]
    public async Task MalformedJsonRpcIsAnErrorResponseAndTheServerGoesOn()
    {
        using var response = await Raw.SendAsync(Post("""{"jsonrpc":"2.0","id":1,"method":""", McpFixture.Token));
        Assert.InRange((int)response.StatusCode, 400, 499);

        using var notRpc = await Raw.SendAsync(Post("""[1, "two", {"three": 3}]""", McpFixture.Token));
        Assert.InRange((int)notRpc.StatusCode, 400, 499);

        await using var client = await fixture.ConnectHttpAsync();
        Assert.NotEmpty(await client.ListToolsAsync());
    }

    [Fact]
    public async Task OversizedBodyIs413()
    {
        string code = new('x', 3 * 1024 * 1024);
        string body = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"execute_code","arguments":{"language":"python","code":"CODE"}}}""".Replace("CODE", code);
        var request = Post(body, McpFixture.Token);
        // The server answers 413 from Content-Length and closes without reading the body; a client still
        // writing it would see a broken pipe instead of the answer. With 100-continue it waits for the verdict.
        request.Headers.ExpectContinue = true;
        using var response = await Raw.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task OversizedChunkedBodyIs413()
    {
        var request = Post("", McpFixture.Token);
        request.Content = new ChunkedContent(3 * 1024 * 1024);
        using var response = await Raw.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        await using var client = await fixture.ConnectHttpAsync();
        Assert.NotEmpty(await client.ListToolsAsync());
    }

    [Fact]
    public async Task NonJsonBodyIs415()
    {
        var request = Post("hello", McpFixture.Token);
        request.Content = new StringContent("hello", Encoding.UTF8, "text/plain");
        using var response = await Raw.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task CrossSiteOriginIsRefused()
    {
        var request = Post(Initialize, McpFixture.Token);
        request.Headers.Add("Origin", "http://evil.example");
        using var response = await Raw.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task NonLoopbackBindingIsRefusedUnlessAllowed()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => SkWasmMcpServer.StartHttpAsync("http://0.0.0.0:0", fixture.ServerOptions));
        Assert.Contains("--allow-remote", ex.Message);
        var noToken = fixture.ServerOptions;
        noToken.Token = null;
        noToken.AllowRemote = true;
        await Assert.ThrowsAsync<ArgumentException>(() => SkWasmMcpServer.StartHttpAsync("http://0.0.0.0:0", noToken));
    }

    [Fact]
    public async Task ForeignSessionIdIsRefused()
    {
        await using var owner = await fixture.ConnectHttpAsync();
        await using var intruder = await fixture.ConnectHttpAsync();
        string id = await ToolTests.CreateSessionAsync(owner);
        var own = await owner.CallToolAsync(ToolDescriptions.WriteFileName,
            new Dictionary<string, object?> { ["sessionId"] = id, ["path"] = "secret.txt", ["content"] = "owner's data" });
        Assert.NotEqual(true, own.IsError);

        foreach (var (tool, args) in new (string, Dictionary<string, object?>)[]
        {
            (ToolDescriptions.ReadFileName, new() { ["sessionId"] = id, ["path"] = "secret.txt" }),
            (ToolDescriptions.WriteFileName, new() { ["sessionId"] = id, ["path"] = "x.txt", ["content"] = "x" }),
            (ToolDescriptions.ExecuteCodeName, new() { ["sessionId"] = id, ["language"] = "python", ["code"] = "print(open('/app/secret.txt').read())" }),
            (ToolDescriptions.ListFilesName, new() { ["sessionId"] = id }),
            (ToolDescriptions.DestroySessionName, new() { ["sessionId"] = id }),
            (ToolDescriptions.ResetSessionName, new() { ["sessionId"] = id, ["clearFiles"] = true }),
        })
        {
            var result = await intruder.CallToolAsync(tool, args);
            Assert.True(result.IsError, tool);
            Assert.Equal("session_not_found", result.Structured().GetProperty("kind").GetString());
            Assert.Contains("belongs to another client", result.Text());
            Assert.DoesNotContain("owner's data", result.Text());
        }

        var read = await owner.CallToolAsync(ToolDescriptions.ReadFileName, new Dictionary<string, object?> { ["sessionId"] = id, ["path"] = "secret.txt" });
        Assert.Equal("owner's data", read.Structured().GetProperty("content").GetString());
    }

    [Fact]
    public async Task AClientsSessionsEndWithIt()
    {
        string id;
        await using (var client = await fixture.ConnectHttpAsync())
        {
            id = await ToolTests.CreateSessionAsync(client);
            Assert.NotNull(await fixture.Sandbox.Sessions.GetAsync(id));
        }
        for (int i = 0; i < 100 && await fixture.Sandbox.Sessions.GetAsync(id) is not null; i++) await Task.Delay(100);
        Assert.Null(await fixture.Sandbox.Sessions.GetAsync(id));
    }

    [Fact]
    public async Task ExcessConcurrentExecutionsGetAToolError()
    {
        await using var client = await fixture.ConnectHttpAsync();
        var slow = client.CallToolAsync(ToolDescriptions.ExecuteCodeName, new Dictionary<string, object?>
        {
            ["language"] = "python",
            ["code"] = "while True:\n    pass",
            ["timeoutMs"] = 4000,
            ["fuel"] = 50_000_000_000L,
        }).AsTask();

        string? refusal = null;
        while (!slow.IsCompleted && refusal is null)
        {
            await Task.Delay(150);
            var second = await client.CallToolAsync(ToolDescriptions.ExecuteCodeName,
                new Dictionary<string, object?> { ["language"] = "python", ["code"] = "print(1)" });
            if (second.IsError == true) refusal = second.Text();
        }
        Assert.NotNull(refusal);
        Assert.Contains("Too many concurrent executions", refusal);

        var first = await slow;
        Assert.NotEqual(true, first.IsError);
        Assert.NotEqual("success", first.Structured().GetProperty("outcome").GetString());

        // Once the slow run is over, the client may run again.
        var after = await client.CallToolAsync(ToolDescriptions.ExecuteCodeName,
            new Dictionary<string, object?> { ["language"] = "python", ["code"] = "print(2)" });
        Assert.NotEqual(true, after.IsError);
    }
}

/// <summary>A JSON body of unknown length (sent chunked, so only the server's own limit can stop it).</summary>
internal sealed class ChunkedContent : HttpContent
{
    private readonly int _size;

    public ChunkedContent(int size)
    {
        _size = size;
        Headers.ContentType = new MediaTypeHeaderValue("application/json");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""));
        var block = Encoding.UTF8.GetBytes(new string('x', 64 * 1024));
        try
        {
            for (int written = 0; written < _size; written += block.Length) await stream.WriteAsync(block);
            await stream.WriteAsync(Encoding.UTF8.GetBytes("\"}}"));
        }
        catch (IOException)
        {
            // The server answered and closed the connection before the whole body was sent.
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
