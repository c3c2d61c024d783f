using System.IO.Pipelines;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Mcp.Tests;

/// <summary>
/// One sandbox (temporary storage, checkpoints written at once) served twice: over an in-memory stream pair (the
/// stdio transport without a process) and over streamable HTTP on an ephemeral loopback port with a bearer token.
/// </summary>
public sealed class McpFixture : IAsyncLifetime
{
    public const string Token = "test-token-0123456789";

    private readonly CancellationTokenSource _stop = new();
    private Task _streamServer = Task.CompletedTask;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "skwasm-mcp-tests-" + Guid.NewGuid().ToString("N"));

    public WasmCodeSandbox Sandbox { get; private set; } = null!;

    public SkWasmMcpHttpServer Http { get; private set; } = null!;

    /// <summary>The client of the stream ("stdio") server.</summary>
    public McpClient Stdio { get; private set; } = null!;

    public SkWasmMcpServerOptions ServerOptions => new()
    {
        Sandbox = Sandbox,
        Token = Token,
        MaxConcurrentExecutionsPerClient = 1,
        MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
    };

    public async Task InitializeAsync()
    {
        Sandbox = new WasmCodeSandbox(new SandboxOptions
        {
            ModuleCachePath = Path.Combine(Path.GetTempPath(), "skwasm-test-module-cache"),
            ScratchPath = Path.Combine(Root, "scratch"),
            Sessions = new SessionManagerOptions { StoragePath = Path.Combine(Root, "sessions"), CheckpointDelay = TimeSpan.Zero },
        });
        Sandbox.Warmup();

        Http = await SkWasmMcpServer.StartHttpAsync("http://127.0.0.1:0", ServerOptions);

        var toServer = new Pipe();
        var toClient = new Pipe();
        var streamOptions = ServerOptions;
        streamOptions.Token = null;
        _streamServer = SkWasmMcpServer.RunStreamAsync(toServer.Reader.AsStream(), toClient.Writer.AsStream(), streamOptions, _stop.Token);
        Stdio = await McpClient.CreateAsync(new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream()));
    }

    /// <summary>A new HTTP client (a new MCP session), with the right token unless told otherwise.</summary>
    public Task<McpClient> ConnectHttpAsync(string? token = Token, string? path = null) =>
        McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = path is null ? Http.Endpoint : new Uri(Http.Endpoint, path),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = token is null ? null : new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        }));

    public async Task DisposeAsync()
    {
        await Stdio.DisposeAsync();
        _stop.Cancel();
        try { await _streamServer; } catch (OperationCanceledException) { }
        await Http.DisposeAsync();
        await Sandbox.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class McpCollection : ICollectionFixture<McpFixture>
{
    public const string Name = "mcp";
}

internal static class ResultExtensions
{
    public static string Text(this CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    public static System.Text.Json.JsonElement Structured(this CallToolResult result) =>
        result.StructuredContent ?? throw new InvalidOperationException("No structured content: " + result.Text());
}
