using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>
/// The live interpreters of sessions: started on first use from the session's checkpoint (or, for a session created
/// for one language, at its creation in the background), run (with recovery to
/// the last good checkpoint after a trap), evicted least-recently-used when the pool is full and when idle past
/// <see cref="SessionManagerOptions.EvictLiveInterpreterAfter"/> (checkpointed first, so the next call restores them).
/// </summary>
internal sealed class InterpreterPool : IDisposable
{
    private readonly RuntimeCatalog _catalog;
    private readonly IWorkspaceStorage _storage;
    private readonly SessionManagerOptions _options;
    private readonly SessionRegistry _registry;
    private readonly CheckpointWriter _checkpoints;
    private readonly ILogger _logger;
    private readonly int _maxLive;
    private readonly MemoryTrimmer? _trimmer;

    public InterpreterPool(RuntimeCatalog catalog, IWorkspaceStorage storage, SessionManagerOptions options, SessionRegistry registry,
        CheckpointWriter checkpoints, ILogger logger, int maxLiveInstances)
    {
        _catalog = catalog;
        _storage = storage;
        _options = options;
        _registry = registry;
        _checkpoints = checkpoints;
        _logger = logger;
        // Leave room in the instance pool for stateless calls running at the same time.
        _maxLive = Math.Max(2, maxLiveInstances - Math.Max(2, maxLiveInstances / 8));
        if (options.TrimMemoryAfterRelease) _trimmer = new MemoryTrimmer();
    }

    /// <summary>Trims run after releases so far (null when <see cref="SessionManagerOptions.TrimMemoryAfterRelease"/> is off).</summary>
    public int? MemoryTrims => _trimmer?.Trims;

    /// <summary>Live interpreters now.</summary>
    public int LiveCount => _registry.Loaded.Sum(s => s.States.Values.Count(st => st.Live is not null));

    /// <summary>
    /// Runs <paramref name="code"/> in the session's interpreter (caller holds the gate). After a trap the interpreter
    /// is back at the last good checkpoint when this returns (<see cref="RawExecution.InstanceSpoiled"/> says so).
    /// </summary>
    public async Task<RawExecution> RunAsync(Session session, Language language, string code, string? stdin, int flags, EffectiveLimits limits,
        List<string> notes, CancellationToken cancellationToken, OutputForwarder? output = null)
    {
        var state = session.State(language);
        var instance = await EnsureLiveAsync(session, language, state, notes, cancellationToken).ConfigureAwait(false);
        // A caller's token that can never fire needs no linked source (this runs on every call).
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Lifetime.Token) : null;
        // The workspace as the previous call left it (scanned once per loaded session, dropped when the host changes files).
        var before = session.LastScan ??= WorkspaceScan.Take(session.WorkspacePath);
        long changes = instance.Files.Changes;
        var raw = instance.Execute(code, stdin, flags, limits, linked?.Token ?? session.Lifetime.Token, output);
        if (instance.Files.Changes != changes)
        {
            var after = WorkspaceScan.Take(session.WorkspacePath);
            raw = raw with { Files = WorkspaceScan.Compare(before, after, session.WorkspacePath) };
            session.LastScan = after;
        }
        state.LastCallTimestamp = Stopwatch.GetTimestamp();
        if (raw.InstanceSpoiled) Recover(session, language, state, raw.Outcome);
        return raw;
    }

    /// <summary>Interpreters being started for sessions just created (waited for before disposal).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _starting = new();

    private volatile bool _stopping;

    /// <summary>
    /// Starts a new session's interpreter of <paramref name="language"/> in the background, holding the session's gate
    /// like a call (a call that comes first waits for it); running nothing.
    /// </summary>
    public void StartInBackground(string sessionId, Language language)
    {
        var starting = Task.Run(async () =>
        {
            try
            {
                await _registry.WithSessionAsync(sessionId, async session =>
                {
                    if (!_stopping) await EnsureLiveAsync(session, language, session.State(language), [], CancellationToken.None).ConfigureAwait(false);
                    return true;
                }, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // in the background: the session's first call starts the interpreter instead, and reports what fails then
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.InterpreterStartDeferred(_logger, sessionId, ex.Message);
            }
        });
        _starting.TryAdd(starting, 0);
        starting.ContinueWith(t => _starting.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Starts no more interpreters in the background and waits for those under way (before the sessions are dropped).</summary>
    public Task StopStartingAsync()
    {
        _stopping = true;
        return Task.WhenAll(_starting.Keys);
    }

    private async Task<GuestInstance> EnsureLiveAsync(Session session, Language language, LanguageState state, List<string> notes, CancellationToken cancellationToken)
    {
        if (state.Live is { } live) return live;
        var runtime = _catalog.Get(language);
        if (!state.CheckpointLoaded)
        {
            state.CheckpointLoaded = true;
            if (_options.PersistCheckpoints)
            {
                try
                {
                    byte[]? data = await _storage.LoadStateAsync(session.Id, CheckpointWriter.StateName(language), cancellationToken).ConfigureAwait(false);
                    if (data is not null)
                        (state.Checkpoint, state.CheckpointCall) = CheckpointFormat.Read(data, runtime.BuildKey, runtime.Host.Options.MaxMemoryBytes);
                }
                catch (InvalidDataException ex)
                {
                    Log.CheckpointUnreadable(_logger, session.Id, ex.Message);
                    notes.Add($"The saved {language.Name()} state of this session could not be loaded ({ex.Message}); it starts from a fresh interpreter. Files in /app are kept.");
                }
            }
        }
        if (LiveCount >= _maxLive) EvictLeastRecentlyUsed(session);
        state.Live = runtime.NewInstance(session.WorkspacePath, session.Quota, state.Checkpoint, forSession: true);
        // A checkpoint loaded from storage is relative to a fresh instance (a copy of the whole start-up
        // image); held in memory it is kept as what differs from this process's started interpreter.
        if (state.Checkpoint is { Base: null }) state.Checkpoint = runtime.Capture(state.Live);
        return state.Live;
    }

    /// <summary>After a trap: the live interpreter back at the last good checkpoint (in place, else a new one), nothing of the trapped call kept.</summary>
    private void Recover(Session session, Language language, LanguageState state, ExecutionOutcome outcome)
    {
        var runtime = _catalog.Get(language);
        var instance = state.Live;
        if (instance is not null && (session.Destroyed || !runtime.TryRestoreInPlace(instance, state.Checkpoint)))
        {
            instance.Dispose();
            state.Live = null;
            if (!session.Destroyed)
                state.Live = runtime.NewInstance(session.WorkspacePath, session.Quota, state.Checkpoint, forSession: true);
        }
        if (!session.Destroyed) Log.SessionRestored(_logger, session.Id, outcome);
        state.Dirty = false;
        state.CallsSinceCheckpoint = 0;
    }

    /// <summary>Drops a live interpreter (its memory is unmapped now; the trim returns what it left in the heaps).</summary>
    public void Release(LanguageState state)
    {
        if (state.Live is null) return;
        long bytes = state.Live.MemoryLength;
        state.Live.Dispose();
        state.Live = null;
        _trimmer?.Request(bytes);
    }

    /// <summary>Drops the least recently used idle interpreters (after checkpointing them) to make room in the pool.</summary>
    private void EvictLeastRecentlyUsed(Session current)
    {
        var candidates = _registry.Loaded
            .Where(s => !ReferenceEquals(s, current))
            .SelectMany(s => s.States.Select(kv => (Session: s, Language: kv.Key, State: kv.Value)))
            .Where(x => x.State.Live is not null)
            .OrderBy(x => x.State.LastCallTimestamp)
            .Take(Math.Max(1, _maxLive / 10))
            .ToList();
        foreach (var (session, language, state) in candidates)
            WhenIdle(session, () =>
            {
                if (state.Live is null) return;
                _checkpoints.Checkpoint(session, language, state);
                Release(state);
            });
    }

    /// <summary>Drops live interpreters idle past the eviction time; their checkpoint brings them back on the next call.</summary>
    public void EvictIdle()
    {
        foreach (var session in _registry.Loaded)
            WhenIdle(session, () =>
            {
                foreach (var (language, state) in session.States)
                {
                    if (state.Live is null || Stopwatch.GetElapsedTime(state.LastCallTimestamp) < _options.EvictLiveInterpreterAfter) continue;
                    _checkpoints.Checkpoint(session, language, state);
                    Release(state);
                }
            });
    }

    /// <summary>Runs <paramref name="action"/> under the session's gate if no call holds it (a running session is not idle).</summary>
    private static void WhenIdle(Session session, Action action)
    {
        if (!session.Gate.Wait(0)) return;
        try
        {
            action();
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>Drops every live interpreter of the sessions (on dispose, after the last checkpoints).</summary>
    public static void DisposeInterpreters(Session session)
    {
        foreach (var state in session.States.Values)
        {
            state.Live?.Dispose();
            state.Live = null;
        }
    }

    public void Dispose() => _trimmer?.Dispose();
}
