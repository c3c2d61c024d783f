using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Mcp;

/// <summary>
/// Who the calling client is, which sandbox sessions it owns, and how many executions it has running.
/// Over HTTP a client is an MCP session (<c>Mcp-Session-Id</c>), or its remote address when the transport has no session;
/// over stdio there is one client and ownership is not enforced.
/// </summary>
public sealed class McpClientIsolation
{
    private const string LocalClient = "local";
    private readonly SkWasmMcpServerOptions _options;
    private readonly IServiceProvider _services;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _owned = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _executions = new(StringComparer.Ordinal);

    public McpClientIsolation(SkWasmMcpServerOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxConcurrentExecutionsPerClient < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxConcurrentExecutionsPerClient must be at least 1.");
        _options = options;
        _services = services;
    }

    /// <summary>Whether sessions belong to the client that created them.</summary>
    public bool Enabled => _options.IsolateClients;

    /// <summary>The identity of the client behind a request.</summary>
    public string ClientOf(McpServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!Enabled) return LocalClient;
        if (server.SessionId is { Length: > 0 } id) return "session:" + id;
        var address = _services.GetService<IHttpContextAccessor>()?.HttpContext?.Connection.RemoteIpAddress;
        return address is null ? "anonymous" : "address:" + address;
    }

    /// <summary>Whether the client may use the session (always, when isolation is off).</summary>
    public bool MayUse(string client, string sessionId) =>
        !Enabled || (_owned.TryGetValue(client, out var set) && set.ContainsKey(sessionId));

    /// <summary>Whether the client may create one more session.</summary>
    public bool MayCreate(string client) =>
        !Enabled || !_owned.TryGetValue(client, out var set) || set.Count < _options.MaxSessionsPerClient;

    /// <summary>Records that the client created a session.</summary>
    public void Own(string client, string sessionId)
    {
        if (Enabled) _owned.GetOrAdd(client, _ => new(StringComparer.Ordinal)).TryAdd(sessionId, 0);
    }

    /// <summary>Forgets a destroyed session.</summary>
    public void Release(string client, string sessionId)
    {
        if (_owned.TryGetValue(client, out var set)) set.TryRemove(sessionId, out _);
    }

    /// <summary>Starts an execution for the client; null when it already has the maximum running.</summary>
    public IDisposable? TryStartExecution(string client)
    {
        var gate = _executions.GetOrAdd(client, _ => new SemaphoreSlim(_options.MaxConcurrentExecutionsPerClient, _options.MaxConcurrentExecutionsPerClient));
        return gate.Wait(0) ? new Lease(gate) : null;
    }

    /// <summary>The most executions a client may have running.</summary>
    public int MaxConcurrentExecutions => _options.MaxConcurrentExecutionsPerClient;

    /// <summary>The client is gone (its MCP session ended): destroys the sandbox sessions it owned.</summary>
    public async Task EndClientAsync(string client, ISessionManager sessions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _executions.TryRemove(client, out _);
        if (!_owned.TryRemove(client, out var set)) return;
        foreach (string id in set.Keys)
        {
            try
            {
                await sessions.DestroyAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or OperationCanceledException)
            {
                // Left for the idle pruning.
            }
        }
    }

    /// <summary>The session id a client is known by over HTTP (for the host's end-of-session hook).</summary>
    internal static string ClientForSession(string sessionId) => "session:" + sessionId;

    private sealed class Lease(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
