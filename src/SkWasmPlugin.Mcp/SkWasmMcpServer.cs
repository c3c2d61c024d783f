using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Mcp;

/// <summary>
/// Runs the sandbox as an MCP server over stdio (one client; stdout is the protocol, logs go to stderr) or over
/// streamable HTTP (loopback unless allowed otherwise, optional bearer token, body size cap, one sandbox-session
/// namespace per MCP session).
/// </summary>
public static class SkWasmMcpServer
{
    /// <summary>Where the HTTP server listens when no URL is given.</summary>
    public const string DefaultHttpUrl = "http://127.0.0.1:5219";

    /// <summary>The server name reported to clients.</summary>
    public const string ServerName = "skwasm";

    /// <summary>Serves one client over this process's stdin/stdout until the client disconnects or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task RunStdioAsync(SkWasmMcpServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var o = Prepare(options, isolate: false);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        ConfigureLogging(builder.Logging, o);
        AddServer(builder.Services, o).WithStdioServerTransport();
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serves one client over a pair of streams (stdio without a process: pipes, sockets, tests).</summary>
    public static async Task RunStreamAsync(Stream input, Stream output, SkWasmMcpServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var o = Prepare(options, isolate: false);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        ConfigureLogging(builder.Logging, o);
        AddServer(builder.Services, o).WithStreamServerTransport(input, output);
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serves streamable HTTP at <paramref name="url"/> (default <see cref="DefaultHttpUrl"/>) until <paramref name="cancellationToken"/> fires.</summary>
    public static async Task RunHttpAsync(string? url = null, SkWasmMcpServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        await using var server = await StartHttpAsync(url, options, cancellationToken).ConfigureAwait(false);
        server.Logger.LogInformation("skwasm MCP server listening on {Endpoint} ({Auth})", server.Endpoint,
            server.RequiresToken ? "bearer token required" : "no token: loopback clients only");
        await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the HTTP server and returns once it listens. Use <c>http://127.0.0.1:0</c> for an ephemeral port and read
    /// <see cref="SkWasmMcpHttpServer.Endpoint"/>. Invalid or non-loopback URLs (without <see cref="SkWasmMcpServerOptions.AllowRemote"/>)
    /// throw <see cref="ArgumentException"/>.
    /// </summary>
    public static async Task<SkWasmMcpHttpServer> StartHttpAsync(string? url = null, SkWasmMcpServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var o = Prepare(options, isolate: true);
        var bind = BindAddress.Parse(url ?? DefaultHttpUrl);
        if (!bind.IsLoopback)
        {
            if (!o.AllowRemote)
                throw new ArgumentException($"Refusing to listen on '{bind.Host}', which is not a loopback address. Pass --allow-remote (with a --token) to accept remote clients.");
            if (!o.RequiresToken)
                throw new ArgumentException("Remote binding needs a bearer token: pass --token or set " + SkWasmMcpServerOptions.TokenEnvironmentVariable + ".");
        }
        if (o.MaxRequestBodyBytes < 1024) throw new ArgumentException("MaxRequestBodyBytes must be at least 1024.");

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(SkWasmMcpServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = o.MaxRequestBodyBytes;
            if (bind.Address is null) k.ListenLocalhost(bind.Port);
            else k.Listen(bind.Address, bind.Port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddHttpContextAccessor();
        ConfigureLogging(builder.Logging, o);
        AddServer(builder.Services, o).WithHttpTransport(t =>
        {
            // Stateful: every client gets an Mcp-Session-Id, which is what its sandbox sessions are owned by.
            t.SessionMode = HttpServerSessionMode.Stateful;
#pragma warning disable MCPEXP002 // RunSessionHandler is experimental: used only to clean up after a client.
            t.RunSessionHandler = async (context, server, ct) =>
            {
                // Resolved now: the initiating request (and its services scope) ends before the session does.
                var isolation = context.RequestServices.GetRequiredService<McpClientIsolation>();
                var sessions = context.RequestServices.GetRequiredService<ICodeSandbox>().Sessions;
                try
                {
                    await server.RunAsync(ct).ConfigureAwait(false);
                }
                finally
                {
                    if (server.SessionId is { } id)
                        await isolation.EndClientAsync(McpClientIsolation.ClientForSession(id), sessions, CancellationToken.None).ConfigureAwait(false);
                }
            };
#pragma warning restore MCPEXP002
        });

        var app = builder.Build();
        app.UseMiddleware<HttpGuardMiddleware>();
        // The root, and /mcp, where most clients and docs look by default; both behind the same guard.
        app.MapMcp();
        app.MapMcp("/mcp");
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        string first = addresses.FirstOrDefault() ?? $"http://{bind.Host}:{bind.Port}";
        return new SkWasmMcpHttpServer(app, new Uri(first.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)),
            o.RequiresToken);
    }

    private static SkWasmMcpServerOptions Prepare(SkWasmMcpServerOptions? options, bool isolate)
    {
        var o = (options ?? new SkWasmMcpServerOptions()).Clone();
        o.IsolateClients = isolate;
        if (o.MaxConcurrentExecutionsPerClient < 1) throw new ArgumentException("MaxConcurrentExecutionsPerClient must be at least 1.");
        if (o.MaxSessionsPerClient < 1) throw new ArgumentException("MaxSessionsPerClient must be at least 1.");
        return o;
    }

    internal static void ConfigureLogging(ILoggingBuilder logging, SkWasmMcpServerOptions o)
    {
        logging.ClearProviders();
        // Everything to stderr: over stdio, stdout carries the protocol.
        logging.AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(o.MinimumLogLevel);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // The MCP SDK writes three Information entries per request ("request handler called", "completed", ...): under
        // load, console formatting and a pipe write for every call (bench/RESULTS.md). Shown when Debug or lower is asked.
        if (o.MinimumLogLevel >= LogLevel.Information) logging.AddFilter("ModelContextProtocol", LogLevel.Warning);
    }

    private static IMcpServerBuilder AddServer(IServiceCollection services, SkWasmMcpServerOptions o)
    {
        services.AddSingleton(o);
        if (o.Sandbox is { } sandbox)
        {
            // Settings for a sandbox the server would create cannot apply to one it is given: say so, never ignore them.
            if (o.StoragePath is not null || o.ConfigureSandbox is not null)
                throw new ArgumentException("StoragePath and ConfigureSandbox apply to a sandbox the server creates; with Sandbox set, configure that sandbox where it is created.");
            services.AddSingleton(sandbox);
        }
        services.AddHostedService<SandboxWarmupService>();
        string version = typeof(SkWasmMcpServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
        return services
            .AddMcpServer(m => m.ServerInfo = new Implementation { Name = ServerName, Version = version })
            .WithWasmSandboxTools(o.Sandbox is not null ? null : s => ConfigureOwnSandbox(s, o), o.ConfigureTools);
    }

    /// <summary>
    /// How long a session of the server's own sandbox must be idle after a call before its state is checkpointed
    /// (<see cref="SessionManagerOptions.CheckpointDelay"/>; the library default is 25 ms).
    /// </summary>
    /// <remarks>
    /// An agent's next call comes after a model round trip, so its sessions are still checkpointed after every call.
    /// Under load the 25 ms default took a checkpoint (page diff, compression, write) after nearly every call, since each
    /// of many sessions is idle most of the time while the server works through the others: 100 loopback clients spent
    /// most of the server's CPU and ~1 GB of RSS on checkpoints (bench/RESULTS.md). Calls closer together than this now
    /// share one, at most <see cref="SessionManagerOptions.MaxCallsBetweenCheckpoints"/> calls apart, as bursts did before.
    /// </remarks>
    public static readonly TimeSpan CheckpointDelay = TimeSpan.FromSeconds(1);

    /// <summary>The settings of a sandbox the server creates: its store, memory trimming, checkpoints, then the caller's own.</summary>
    internal static void ConfigureOwnSandbox(SandboxOptions s, SkWasmMcpServerOptions o)
    {
        if (o.StoragePath is { } path) s.Sessions.StoragePath = path;
        // The server owns its process, so giving released interpreter memory back to the system is its call.
        s.Sessions.TrimMemoryAfterRelease = true;
        s.Sessions.CheckpointDelay = CheckpointDelay;
        o.ConfigureSandbox?.Invoke(s);
    }

    /// <summary>A parsed listen URL: loopback or not, and what Kestrel should bind.</summary>
    internal sealed record BindAddress(string Host, IPAddress? Address, int Port, bool IsLoopback)
    {
        public static BindAddress Parse(string url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
                throw new ArgumentException($"'{url}' is not an http:// URL (e.g. {DefaultHttpUrl}). For HTTPS put a reverse proxy in front.");
            if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
                throw new ArgumentException($"'{url}' has a path; give only scheme, host and port (the MCP endpoint is at /).");
            string host = uri.Host;
            int port = uri.Port;
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                if (port == 0) return new BindAddress(host, IPAddress.Loopback, 0, true); // Kestrel cannot bind "localhost" to port 0
                return new BindAddress(host, null, port, true);
            }
            if (host is "*" or "+") return new BindAddress(host, IPAddress.IPv6Any, port, false);
            if (!IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address))
                throw new ArgumentException($"'{host}' is not an IP address or 'localhost'; bind to an address such as 127.0.0.1 or 0.0.0.0.");
            return new BindAddress(host, address, port, IPAddress.IsLoopback(address));
        }
    }

    /// <summary>Starts the sandbox runtimes in the background so the first call does not wait for module compilation.</summary>
    private sealed class SandboxWarmupService(ICodeSandbox sandbox, ILogger<SandboxWarmupService> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = Task.Run(() =>
            {
                try
                {
                    sandbox.Warmup();
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or ArgumentException or ObjectDisposedException or Wasmtime.WasmtimeException)
                {
                    logger.LogWarning(ex, "Sandbox warm-up failed; runtimes start on first use");
                }
            }, CancellationToken.None);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>A running HTTP MCP server (from <see cref="SkWasmMcpServer.StartHttpAsync"/>). Dispose to stop it.</summary>
public sealed class SkWasmMcpHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    internal SkWasmMcpHttpServer(WebApplication app, Uri endpoint, bool requiresToken)
    {
        _app = app;
        Endpoint = endpoint;
        RequiresToken = requiresToken;
        Logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SkWasmPlugin.Mcp");
    }

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:5219/</c>; the MCP endpoint is at its root.</summary>
    public Uri Endpoint { get; }

    /// <summary>Whether requests need the bearer token.</summary>
    public bool RequiresToken { get; }

    /// <summary>The server's services.</summary>
    public IServiceProvider Services => _app.Services;

    internal ILogger Logger { get; }

    /// <summary>Completes when the server stops (Ctrl+C, SIGTERM, or <paramref name="cancellationToken"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops the server and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
