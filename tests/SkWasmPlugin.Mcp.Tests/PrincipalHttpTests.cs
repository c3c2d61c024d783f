using ModelContextProtocol.Client;
using SkWasmPlugin.AI;

namespace SkWasmPlugin.Mcp.Tests;

/// <summary>Over HTTP, limits count per principal (token), however many MCP sessions a principal opens.</summary>
[Collection(McpCollection.Name)]
public sealed class PrincipalHttpTests(McpFixture fixture)
{
    [Fact]
    public async Task Sessions_count_per_token_across_mcp_sessions()
    {
        var options = fixture.ServerOptions;
        options.Token = null;
        options.MaxSessionsPerClient = 3;
        options.Tokens["tenant-a"] = "token-of-tenant-a-0123456789";
        options.Tokens["tenant-b"] = "token-of-tenant-b-0123456789";
        await using var server = await SkWasmMcpServer.StartHttpAsync("http://127.0.0.1:0", options);
        Task<McpClient> Connect(string token) => McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = server.Endpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        }));
        await using var a1 = await Connect(options.Tokens["tenant-a"]);
        await using var a2 = await Connect(options.Tokens["tenant-a"]);
        await using var b1 = await Connect(options.Tokens["tenant-b"]);

        async Task<bool> Create(McpClient client) =>
            (await client.CallToolAsync(ToolDescriptions.CreateSessionName, new Dictionary<string, object?>())).IsError != true;

        Assert.True(await Create(a1));
        Assert.True(await Create(a1));
        Assert.True(await Create(a2));
        Assert.False(await Create(a2)); // tenant a has its 3, whichever MCP session asks
        Assert.False(await Create(a1));
        for (int i = 0; i < 3; i++) Assert.True(await Create(b1)); // tenant b has its own 3
        Assert.False(await Create(b1));
    }
}
