using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol.Server;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Mcp;

/// <summary>
/// Who the calling client is, which sandbox sessions it owns, and what its principal may still use.
/// Over HTTP a client is an MCP session (<c>Mcp-Session-Id</c>), and its principal the token it authenticated with
/// (or its remote address when the server has no token): sessions belong to the client that created them, while the
/// limits on sessions and running executions count per principal, however many MCP sessions it opens. Over stdio
/// there is one client and nothing is enforced.
/// </summary>
public sealed class McpClientIsolation
{
    private const string LocalClient = "local";
    private readonly SkWasmMcpServerOptions _options;
    private readonly IHttpContextAccessor? _http;
    private readonly ConcurrentDictionary<string, ClientState> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PrincipalState> _principals = new(StringComparer.Ordinal);

    /// <summary>Creates the isolation for a server's options; <paramref name="http"/> identifies principals over HTTP.</summary>
    public McpClientIsolation(SkWasmMcpServerOptions options, IHttpContextAccessor? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxConcurrentExecutionsPerClient < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxConcurrentExecutionsPerClient must be at least 1.");
        if (options.MaxSessionsPerClient < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxSessionsPerClient must be at least 1.");
        _options = options;
        _http = http;
    }

    /// <summary>Whether sessions belong to the client that created them.</summary>
    public bool Enabled => _options.IsolateClients;

    /// <summary>The identity of the client behind a request.</summary>
    public string ClientOf(McpServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!Enabled) return LocalClient;
        string client = server.SessionId is { Length: > 0 } id ? ClientForSession(id) : "request:" + CurrentPrincipal();
        // A client's principal is the one it first came with.
        _clients.GetOrAdd(client, _ => new ClientState(CurrentPrincipal()));
        return client;
    }

    private string CurrentPrincipal() =>
        _http?.HttpContext is { } context
            ? context.Items.TryGetValue(HttpGuardMiddleware.PrincipalItem, out var p) && p is string principal ? principal
              : "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown")
            : "anonymous";

    /// <summary>The principal a client counts against.</summary>
    public string PrincipalOf(string client) =>
        !Enabled ? LocalClient : _clients.TryGetValue(client, out var state) ? state.Principal : "anonymous";

    /// <summary>
    /// The sessions the client may see: those it created, or, when isolation is off (stdio: one client), every session of
    /// <paramref name="sessions"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> VisibleSessionsAsync(string client, ISessionManager sessions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (!Enabled) return [.. (await sessions.ListAsync(cancellationToken).ConfigureAwait(false)).Select(s => s.Id)];
        return _clients.TryGetValue(client, out var state) ? [.. state.Owned.Keys.Order(StringComparer.Ordinal)] : [];
    }

    /// <summary>Whether the client may use the session (always, when isolation is off).</summary>
    public bool MayUse(string client, string sessionId) =>
        !Enabled || (_clients.TryGetValue(client, out var state) && state.Owned.ContainsKey(sessionId));

    /// <summary>
    /// Takes one of the principal's session places before a session is created (atomic: concurrent creates never
    /// pass the cap); false when it has <see cref="SkWasmMcpServerOptions.MaxSessionsPerClient"/> already. Give it back
    /// with <see cref="CancelCreate"/> when the creation fails, or keep it with <see cref="Own"/>.
    /// </summary>
    public bool TryReserveSession(string client)
    {
        if (!Enabled) return true;
        var principal = Principal(client);
        lock (principal)
        {
            if (principal.Sessions >= _options.MaxSessionsPerClient) return false;
            principal.Sessions++;
            return true;
        }
    }

    /// <summary>Gives back a place taken by <see cref="TryReserveSession"/> for a session that was not created.</summary>
    public void CancelCreate(string client)
    {
        if (!Enabled) return;
        var principal = Principal(client);
        lock (principal) principal.Sessions = Math.Max(0, principal.Sessions - 1);
    }

    /// <summary>Records that the client created a session (in the place it reserved).</summary>
    public void Own(string client, string sessionId)
    {
        if (!Enabled) return;
        if (!_clients.GetOrAdd(client, _ => new ClientState("anonymous")).Owned.TryAdd(sessionId, 0)) CancelCreate(client);
    }

    /// <summary>Forgets a destroyed session and frees its place.</summary>
    public void Release(string client, string sessionId)
    {
        if (_clients.TryGetValue(client, out var state) && state.Owned.TryRemove(sessionId, out _)) CancelCreate(client);
    }

    /// <summary>Starts an execution for the client's principal; null when it already has the maximum running.</summary>
    public IDisposable? TryStartExecution(string client)
    {
        var gate = Principal(client).Executions;
        return gate.Wait(0) ? new Lease(gate) : null;
    }

    /// <summary>The most executions a principal may have running.</summary>
    public int MaxConcurrentExecutions => _options.MaxConcurrentExecutionsPerClient;

    private PrincipalState Principal(string client) =>
        _principals.GetOrAdd(PrincipalOf(client), _ => new PrincipalState(_options.MaxConcurrentExecutionsPerClient));

    /// <summary>The client is gone (its MCP session ended): destroys the sandbox sessions it owned and frees their places.</summary>
    public async Task EndClientAsync(string client, ISessionManager sessions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (!_clients.TryRemove(client, out var state)) return;
        foreach (string id in state.Owned.Keys)
        {
            try
            {
                await sessions.DestroyAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or OperationCanceledException)
            {
                // Left for the idle pruning.
            }
            if (state.Owned.TryRemove(id, out _) && _principals.TryGetValue(state.Principal, out var principal))
                lock (principal) principal.Sessions = Math.Max(0, principal.Sessions - 1);
        }
    }

    /// <summary>The session id a client is known by over HTTP (for the host's end-of-session hook).</summary>
    internal static string ClientForSession(string sessionId) => "session:" + sessionId;

    private sealed class ClientState(string principal)
    {
        public string Principal { get; } = principal;
        public ConcurrentDictionary<string, byte> Owned { get; } = new(StringComparer.Ordinal);
    }

    private sealed class PrincipalState(int executions)
    {
        public int Sessions { get; set; }
        public SemaphoreSlim Executions { get; } = new(executions, executions);
    }

    private sealed class Lease(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
