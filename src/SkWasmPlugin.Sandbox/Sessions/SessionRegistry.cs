using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>
/// The sessions this process has loaded, and the way to load one: from storage, taking the session's lock in the
/// store (one process runs a session at a time), and the count of every session the global cap applies to.
/// </summary>
internal sealed class SessionRegistry(IWorkspaceStorage storage, SessionManagerOptions options, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    /// <summary>
    /// Serialise loading a session into this process (it takes the session's storage lock once). Striped by id, so a
    /// session whose lock another process still holds (one handing it over, say) does not hold up loading the others.
    /// </summary>
    private readonly SemaphoreSlim[] _loading = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    private SemaphoreSlim LoadingGate(string sessionId) => _loading[(int)((uint)StringComparer.Ordinal.GetHashCode(sessionId) % (uint)_loading.Length)];

    /// <summary>Every session in storage or in memory (listed from storage once, then kept up to date here).</summary>
    private HashSet<string>? _known;

    /// <summary>Held while a session is created, so the global cap is checked and taken atomically.</summary>
    public SemaphoreSlim Creating { get; } = new(1, 1);

    public ICollection<Session> Loaded => _sessions.Values;

    public ICollection<string> LoadedIds => _sessions.Keys;

    public bool IsLoaded(string sessionId) => _sessions.ContainsKey(sessionId);

    public bool TryGet(string sessionId, out Session session) => _sessions.TryGetValue(sessionId, out session!);

    public static string NewId() => "s-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>How many sessions exist (caller holds <see cref="Creating"/>).</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        if (_known is null)
        {
            var stored = await storage.ListSessionIdsAsync(cancellationToken).ConfigureAwait(false);
            lock (_sessions) _known = new HashSet<string>(stored.Concat(_sessions.Keys), StringComparer.Ordinal);
        }
        lock (_sessions) return _known.Count;
    }

    /// <summary>A session created by this process (it holds its lock).</summary>
    public void Add(Session session)
    {
        _sessions[session.Id] = session;
        lock (_sessions) _known?.Add(session.Id);
    }

    /// <summary>Drops a session from memory (it stays counted until <see cref="Forget"/>).</summary>
    public void Unload(string sessionId) => _sessions.TryRemove(sessionId, out _);

    /// <summary>The session is gone from storage too.</summary>
    public void Forget(string sessionId)
    {
        lock (_sessions) _known?.Remove(sessionId);
    }

    /// <summary>Empties the registry (on dispose), returning what it held.</summary>
    public IReadOnlyList<Session> Clear()
    {
        var all = _sessions.Values.ToList();
        _sessions.Clear();
        return all;
    }

    /// <summary>A session's record, from memory or storage, without taking the session for this process; null when it exists nowhere or expired.</summary>
    public async Task<SessionRecord?> PeekAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue(sessionId, out var live)) return live.Destroyed ? null : live.Record;
        var record = await LoadRecordAsync(sessionId, cancellationToken).ConfigureAwait(false);
        return record is not null && DateTimeOffset.UtcNow - record.LastUsedAt <= options.IdleTimeout ? record : null;
    }

    /// <summary>The stored record; null when missing or unreadable (logged).</summary>
    public async Task<SessionRecord?> LoadRecordAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            return await storage.LoadRecordAsync(sessionId, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            Log.CheckpointUnreadable(logger, sessionId, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// The session in memory, else loaded from storage and taken for this process (waiting up to
    /// <see cref="SessionManagerOptions.SessionLockTimeout"/> while another process runs it); null when it exists nowhere.
    /// </summary>
    public async Task<Session?> FindAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue(sessionId, out var live)) return live.Destroyed ? null : live;
        if (await PeekAsync(sessionId, cancellationToken).ConfigureAwait(false) is null) return null;
        var loading = LoadingGate(sessionId);
        await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_sessions.TryGetValue(sessionId, out live)) return live.Destroyed ? null : live;
            var hold = await LockAsync(sessionId, cancellationToken).ConfigureAwait(false);
            try
            {
                // Read again now that no other process changes it.
                var record = await PeekAsync(sessionId, cancellationToken).ConfigureAwait(false);
                if (record is null)
                {
                    await hold.DisposeAsync().ConfigureAwait(false);
                    return null;
                }
                string workspace = await storage.OpenWorkspaceAsync(sessionId, cancellationToken).ConfigureAwait(false);
                var session = new Session(record, workspace) { StorageLock = hold };
                _sessions[sessionId] = session;
                return session;
            }
            catch
            {
                await hold.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            loading.Release();
        }
    }

    /// <summary>Takes a session's lock in the store, or throws <see cref="SessionInUseException"/> after the timeout.</summary>
    public async Task<IAsyncDisposable> LockAsync(string sessionId, CancellationToken cancellationToken) =>
        await storage.TryLockSessionAsync(sessionId, options.SessionLockTimeout, cancellationToken).ConfigureAwait(false)
        ?? throw new SessionInUseException(sessionId, options.SessionLockTimeout);

    public async Task<Session> RequireAsync(string sessionId, CancellationToken cancellationToken)
    {
        WorkspacePaths.ValidateSessionId(sessionId);
        return await FindAsync(sessionId, cancellationToken).ConfigureAwait(false) ?? throw new SessionNotFoundException(sessionId);
    }

    /// <summary>Runs <paramref name="work"/> holding the session's gate; throws if the session was destroyed meanwhile.</summary>
    public async Task<T> WithSessionAsync<T>(string sessionId, Func<Session, Task<T>> work, CancellationToken cancellationToken)
    {
        while (true)
        {
            var session = await RequireAsync(sessionId, cancellationToken).ConfigureAwait(false);
            await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (session.Destroyed) throw new SessionNotFoundException(sessionId);
                if (session.Unloaded) continue; // given up while this call waited: load it again
                return await work(session).ConfigureAwait(false);
            }
            finally
            {
                session.Gate.Release();
            }
        }
    }
}
