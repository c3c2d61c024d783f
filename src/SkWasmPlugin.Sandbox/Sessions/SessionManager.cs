using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>
/// Keeps sessions: one live interpreter per language per session, checkpoints taken write-behind after
/// successful calls, restore after a trap, eviction of idle interpreters, pruning of idle sessions.
/// </summary>
internal sealed class SessionManager : ISessionManager, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _registry = new(1, 1);
    private readonly RuntimeCatalog _catalog;
    private readonly IWorkspaceStorage _storage;
    private readonly SessionManagerOptions _options;
    private readonly PackageCatalog _packages;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Task, byte> _background = new();

    private readonly int _maxLiveInterpreters;
    private readonly MemoryTrimmer? _trimmer;

    /// <summary>Trims run after releases so far (null when <see cref="SessionManagerOptions.TrimMemoryAfterRelease"/> is off).</summary>
    internal int? MemoryTrims => _trimmer?.Trims;

    public SessionManager(RuntimeCatalog catalog, IWorkspaceStorage storage, SessionManagerOptions options, PackageCatalog packages, ILogger logger, int maxLiveInstances)
    {
        // Leave room in the instance pool for stateless calls running at the same time.
        _maxLiveInterpreters = Math.Max(2, maxLiveInstances - Math.Max(2, maxLiveInstances / 8));
        _catalog = catalog;
        _storage = storage;
        _options = options;
        _packages = packages;
        _logger = logger;
        if (options.TrimMemoryAfterRelease) _trimmer = new MemoryTrimmer();
    }

    /// <summary>Drops a live interpreter (its memory is unmapped now; the trim returns what it left in the heaps).</summary>
    private void Release(LanguageState state)
    {
        if (state.Live is null) return;
        long bytes = state.Live.MemoryLength;
        state.Live.Dispose();
        state.Live = null;
        _trimmer?.Request(bytes);
    }

    /// <summary>A session's limits as they apply to a call (throws ArgumentOutOfRangeException past the host maximums).</summary>
    internal Func<ExecutionLimits?, EffectiveLimits>? ResolveLimits { get; set; }

    /// <summary>Most fuel a host probe (variable listing, package install) may spend, within the session's own budget.</summary>
    internal const long ProbeFuel = 500_000_000;

    /// <summary>Longest a host probe may run, within the session's own time limit.</summary>
    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The limits of a probe the host runs in a session: the session's memory, bounded fuel and time.</summary>
    private EffectiveLimits ProbeLimits(SessionRecord record)
    {
        var own = ResolveLimits?.Invoke(record.Limits) ?? new EffectiveLimits(ProbeFuel, 128L * 1024 * 1024, ProbeTimeout, 1024 * 1024, 64 * 1024);
        return own with
        {
            Fuel = Math.Min(own.Fuel, ProbeFuel),
            Timeout = own.Timeout < ProbeTimeout ? own.Timeout : ProbeTimeout,
            MaxStdoutBytes = 1024 * 1024,
            MaxStderrBytes = 64 * 1024,
        };
    }

    public async Task<SessionInfo> CreateAsync(SessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SessionOptions();
        string id = options.Id is null ? NewId() : WorkspacePaths.ValidateSessionId(options.Id);
        if (options.MaxWorkspaceBytes is <= 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxWorkspaceBytes must be positive.");
        if (options.MaxFiles is <= 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxFiles must be positive.");
        if (options.Language is { } lang && !Languages.IsKnown(lang)) throw new ArgumentOutOfRangeException(nameof(options), "Unknown language.");
        if (options.Limits is not null) ResolveLimits?.Invoke(options.Limits); // a session whose every call would be refused is not created

        await _registry.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = await FindAsync(id, cancellationToken).ConfigureAwait(false);
            if (existing is not null) return existing.ToInfo();
            var known = await KnownSessionsAsync(cancellationToken).ConfigureAwait(false);
            if (known.Count >= _options.MaxSessions)
            {
                // Room is made only from sessions idle past the TTL, never from sessions someone still uses.
                await PruneExpiredAsync(cancellationToken).ConfigureAwait(false);
                if (known.Count >= _options.MaxSessions) throw new SessionLimitExceededException(_options.MaxSessions);
            }
            var now = DateTimeOffset.UtcNow;
            var record = new SessionRecord
            {
                Id = id,
                Language = options.Language,
                CreatedAt = now,
                LastUsedAt = now,
                MaxWorkspaceBytes = options.MaxWorkspaceBytes ?? _options.DefaultMaxWorkspaceBytes,
                MaxFiles = options.MaxFiles ?? _options.DefaultMaxFiles,
                Limits = options.Limits,
                Metadata = options.Metadata?.ToDictionary() ?? [],
            };
            var hold = await LockAsync(id, cancellationToken).ConfigureAwait(false);
            Session session;
            try
            {
                string workspace = await _storage.OpenWorkspaceAsync(id, cancellationToken).ConfigureAwait(false);
                await _storage.SaveRecordAsync(record, cancellationToken).ConfigureAwait(false);
                session = new Session(record, workspace) { StorageLock = hold };
            }
            catch
            {
                await hold.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            _sessions[id] = session;
            lock (_sessions) known.Add(id);
            return session.ToInfo();
        }
        finally
        {
            _registry.Release();
        }
    }

    /// <summary>
    /// The ids of every session in storage or in memory (listed from storage once, then kept up to date by this
    /// manager; caller holds <see cref="_registry"/>): what the global cap counts.
    /// </summary>
    private async Task<HashSet<string>> KnownSessionsAsync(CancellationToken cancellationToken)
    {
        if (_known is null)
        {
            var stored = await _storage.ListSessionIdsAsync(cancellationToken).ConfigureAwait(false);
            _known = new HashSet<string>(stored.Concat(_sessions.Keys), StringComparer.Ordinal);
        }
        return _known;
    }

    private HashSet<string>? _known;

    private void Forget(string sessionId)
    {
        lock (_sessions) _known?.Remove(sessionId);
    }

    private static string NewId() => "s-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public async Task<SessionInfo?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        WorkspacePaths.ValidateSessionId(sessionId);
        return (await PeekAsync(sessionId, cancellationToken).ConfigureAwait(false)) is { } record ? Session.InfoOf(record) : null;
    }

    public async Task<IReadOnlyList<SessionInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = await _storage.ListSessionIdsAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<SessionInfo>();
        foreach (string id in ids.Union(_sessions.Keys))
        {
            if (await PeekAsync(id, cancellationToken).ConfigureAwait(false) is { } record) list.Add(Session.InfoOf(record));
        }
        return [.. list.OrderByDescending(s => s.LastUsedAt)];
    }

    /// <summary>A session's record, from memory or storage, without taking the session for this process; null when it exists nowhere or expired.</summary>
    private async Task<SessionRecord?> PeekAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue(sessionId, out var live)) return live.Destroyed ? null : live.Record;
        var record = await LoadRecordAsync(sessionId, cancellationToken).ConfigureAwait(false);
        return record is not null && DateTimeOffset.UtcNow - record.LastUsedAt <= _options.IdleTimeout ? record : null;
    }

    private async Task<SessionRecord?> LoadRecordAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            return await _storage.LoadRecordAsync(sessionId, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            Log.CheckpointUnreadable(_logger, sessionId, ex.Message);
            return null;
        }
    }

    /// <summary>Serialises loading sessions into this process (each takes the session's storage lock once).</summary>
    private readonly SemaphoreSlim _loading = new(1, 1);

    /// <summary>
    /// The session in memory, else loaded from storage and taken for this process (waiting up to
    /// <see cref="SessionManagerOptions.SessionLockTimeout"/> while another process runs it); null when it exists nowhere.
    /// </summary>
    internal async Task<Session?> FindAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue(sessionId, out var live)) return live.Destroyed ? null : live;
        if (await PeekAsync(sessionId, cancellationToken).ConfigureAwait(false) is null) return null;
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
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
                string workspace = await _storage.OpenWorkspaceAsync(sessionId, cancellationToken).ConfigureAwait(false);
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
            _loading.Release();
        }
    }

    private async Task<IAsyncDisposable> LockAsync(string sessionId, CancellationToken cancellationToken) =>
        await _storage.TryLockSessionAsync(sessionId, _options.SessionLockTimeout, cancellationToken).ConfigureAwait(false)
        ?? throw new SessionInUseException(sessionId, _options.SessionLockTimeout);

    internal async Task<Session> RequireAsync(string sessionId, CancellationToken cancellationToken)
    {
        WorkspacePaths.ValidateSessionId(sessionId);
        return await FindAsync(sessionId, cancellationToken).ConfigureAwait(false) ?? throw new SessionNotFoundException(sessionId);
    }

    /// <summary>Runs <paramref name="work"/> holding the session's gate; throws if the session was destroyed meanwhile.</summary>
    internal async Task<T> WithSessionAsync<T>(string sessionId, Func<Session, Task<T>> work, CancellationToken cancellationToken)
    {
        var session = await RequireAsync(sessionId, cancellationToken).ConfigureAwait(false);
        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (session.Destroyed) throw new SessionNotFoundException(sessionId);
            return await work(session).ConfigureAwait(false);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>Runs one call in a session: live interpreter, restore after a trap, checkpoint afterwards.</summary>
    internal Task<(RawExecution Raw, IReadOnlyList<string> Notes, SessionRecord Record)> ExecuteAsync(
        string sessionId, Language language, string code, string? stdin, int flags, Func<SessionRecord, EffectiveLimits> limitsFor,
        CancellationToken cancellationToken) =>
        WithSessionAsync(sessionId, async session =>
        {
            if (session.Record.Language is { } only && only != language)
                throw new ArgumentException($"Session '{sessionId}' runs {only.Name()} only; it cannot run {language.Name()}.", nameof(language));
            var limits = limitsFor(session.Record);
            var runtime = _catalog.Get(language);
            var state = session.State(language);
            var notes = new List<string>();
            var instance = await EnsureLiveAsync(session, language, state, notes, cancellationToken).ConfigureAwait(false);

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Lifetime.Token);
            var raw = instance.Execute(code, stdin, flags, limits, linked.Token);
            long call = session.Record.ExecutionCount + 1;
            session.Record = session.Record with { ExecutionCount = call, LastUsedAt = DateTimeOffset.UtcNow };
            session.RecordDirty = true;
            state.LastCallTimestamp = Stopwatch.GetTimestamp();

            if (raw.InstanceSpoiled)
            {
                Recover(session, language, state, raw.Outcome);
                notes.Add(state.Checkpoint is null
                    ? "The interpreter was stopped mid-run, so its state was reset to a fresh interpreter; variables from earlier calls are gone. Files in /app are kept."
                    : $"The interpreter was stopped mid-run, so the session's state was restored to its last good checkpoint (after call {state.CheckpointCall}); changes made by this call are gone. Files in /app are kept.");
            }
            else
            {
                state.Dirty = true;
                state.CallsSinceCheckpoint++;
                if (_options.CheckpointDelay == TimeSpan.Zero || state.CallsSinceCheckpoint >= _options.MaxCallsBetweenCheckpoints)
                    Checkpoint(session, language, state);
                else
                    ScheduleCheckpoint(session, language, state);
            }
            return (raw, (IReadOnlyList<string>)notes, session.Record);
        }, cancellationToken);

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

    /// <summary>
    /// Runs host code (a probe) in a session's live interpreter under <see cref="ProbeLimits"/>; a probe stopped by
    /// a limit or a trap (the user's code may have left a trace hook that spins) restores the last checkpoint as a
    /// call would, so the session keeps working. Null when the probe did not succeed.
    /// </summary>
    private async Task<RawExecution?> ProbeAsync(Session session, Language language, string code, CancellationToken cancellationToken)
    {
        var state = session.State(language);
        var instance = await EnsureLiveAsync(session, language, state, [], cancellationToken).ConfigureAwait(false);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Lifetime.Token);
        var raw = instance.Execute(code, null, 0, ProbeLimits(session.Record), linked.Token);
        if (raw.InstanceSpoiled) Recover(session, language, state, raw.Outcome);
        return raw.Outcome == ExecutionOutcome.Success ? raw : null;
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
                    byte[]? data = await _storage.LoadStateAsync(session.Id, StateName(language), cancellationToken).ConfigureAwait(false);
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
        if (LiveInterpreterCount >= _maxLiveInterpreters) await EvictLeastRecentlyUsedAsync(session).ConfigureAwait(false);
        state.Live = runtime.NewInstance(session.WorkspacePath, session.Quota, state.Checkpoint, forSession: true);
        // A checkpoint loaded from storage is relative to a fresh instance (a copy of the whole start-up
        // image); held in memory it is kept as what differs from this process's started interpreter.
        if (state.Checkpoint is { Base: null }) state.Checkpoint = runtime.Capture(state.Live);
        return state.Live;
    }

    /// <summary>Drops the least recently used idle interpreters (after checkpointing them) to make room in the pool.</summary>
    private async Task EvictLeastRecentlyUsedAsync(Session current)
    {
        var candidates = _sessions.Values
            .Where(s => !ReferenceEquals(s, current))
            .SelectMany(s => s.States.Select(kv => (Session: s, Language: kv.Key, State: kv.Value)))
            .Where(x => x.State.Live is not null)
            .OrderBy(x => x.State.LastCallTimestamp)
            .Take(Math.Max(1, _maxLiveInterpreters / 10))
            .ToList();
        foreach (var (session, language, state) in candidates)
        {
            if (!session.Gate.Wait(0)) continue; // running: not idle
            try
            {
                if (state.Live is null) continue;
                Checkpoint(session, language, state);
                Release(state);
            }
            finally
            {
                session.Gate.Release();
            }
        }
    }

    private static string StateName(Language language) => language.Name() + ".ckpt";

    private void ScheduleCheckpoint(Session session, Language language, LanguageState state)
    {
        if (state.CheckpointScheduled) return;
        state.CheckpointScheduled = true;
        Track(Task.Run(async () =>
        {
            var delay = _options.CheckpointDelay;
            while (true)
            {
                await Task.Delay(delay).ConfigureAwait(false);
                await session.Gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    if (session.Destroyed || !state.Dirty || state.Live is null)
                    {
                        state.CheckpointScheduled = false;
                        return;
                    }
                    if (Stopwatch.GetElapsedTime(state.LastCallTimestamp) < delay) continue; // still busy: wait for a pause
                    state.CheckpointScheduled = false;
                    Checkpoint(session, language, state);
                    return;
                }
                finally
                {
                    session.Gate.Release();
                }
            }
        }));
    }

    private void Track(Task task)
    {
        _background[task] = 0;
        task.ContinueWith(t => _background.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Captures the live interpreter as the new last good state and persists it (caller holds the gate).</summary>
    private void Checkpoint(Session session, Language language, LanguageState state)
    {
        if (state.Live is null || !state.Dirty) return;
        var runtime = _catalog.Get(language);
        state.Checkpoint = runtime.Capture(state.Live);
        state.CheckpointCall = session.Record.ExecutionCount;
        state.Dirty = false;
        state.CallsSinceCheckpoint = 0;
        if (!_options.PersistCheckpoints) return;
        // Write-behind: compressing and storing happen off the call path, in order per session. Storage
        // writes are atomic, so a crash leaves the previous good checkpoint, never a torn one.
        var image = state.Checkpoint;
        long call = state.CheckpointCall;
        var record = session.Record;
        session.RecordDirty = false;
        lock (session)
        {
            session.Persisting = session.Persisting.ContinueWith(
                _ => PersistAsync(session.Id, language, image, call, record, runtime.BuildKey),
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            Track(session.Persisting);
        }
    }

    /// <summary>Compressing and writing checkpoints may use at most half the cores, so calls never starve behind them.</summary>
    private static readonly SemaphoreSlim PersistThrottle = new(Math.Max(1, Environment.ProcessorCount / 2));

    private async Task PersistAsync(string sessionId, Language language, PageImage image, long call, SessionRecord record, string buildKey)
    {
        await PersistThrottle.WaitAsync().ConfigureAwait(false);
        try
        {
            using var data = CheckpointFormat.Write(image, buildKey, call);
            // Files first: a checkpoint never refers to workspace content the store does not have yet.
            await _storage.SyncWorkspaceAsync(sessionId, CancellationToken.None).ConfigureAwait(false);
            await _storage.SaveStateAsync(sessionId, StateName(language), data.GetBuffer().AsMemory(0, (int)data.Length), CancellationToken.None).ConfigureAwait(false);
            await _storage.SaveRecordAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The in-memory checkpoint is good; the stored one stays at its previous good value.
            Log.SaveFailed(_logger, sessionId, ex.Message);
        }
        finally
        {
            PersistThrottle.Release();
        }
    }

    /// <summary>Waits until everything scheduled for storage so far is written.</summary>
    private static async Task WaitPersistedAsync(Session session)
    {
        Task pending;
        lock (session) pending = session.Persisting;
        await pending.ConfigureAwait(false);
    }

    private async Task SaveRecordAsync(Session session, CancellationToken cancellationToken)
    {
        await _storage.SaveRecordAsync(session.Record, cancellationToken).ConfigureAwait(false);
        session.RecordDirty = false;
    }

    public async Task<bool> DestroyAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        WorkspacePaths.ValidateSessionId(sessionId);
        var session = await FindAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (session is null) return false;
        session.Destroyed = true;
        await session.Lifetime.CancelAsync().ConfigureAwait(false); // stops a running call at the next epoch tick
        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var state in session.States.Values)
            {
                Release(state);
                state.Checkpoint = null;
            }
            _sessions.TryRemove(sessionId, out _);
            await WaitPersistedAsync(session).ConfigureAwait(false); // a late write must not resurrect the session
            await _storage.DeleteSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
            Forget(sessionId);
            if (session.StorageLock is { } hold) await hold.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            session.Gate.Release();
        }
        return true;
    }

    public Task ResetAsync(string sessionId, bool clearFiles = false, CancellationToken cancellationToken = default) =>
        WithSessionAsync(sessionId, async session =>
        {
            await WaitPersistedAsync(session).ConfigureAwait(false);
            foreach (var state in session.States.Values)
            {
                Release(state);
                state.Checkpoint = null;
                state.Dirty = false;
                state.CheckpointLoaded = true;
            }
            // Every language's stored state, also of languages not started in this process.
            foreach (var language in Languages.All)
                await _storage.DeleteStateAsync(sessionId, StateName(language), cancellationToken).ConfigureAwait(false);
            session.Record = session.Record with { InstalledPackages = [] };
            if (clearFiles)
            {
                foreach (var entry in new DirectoryInfo(session.WorkspacePath).EnumerateFileSystemInfos())
                {
                    if (entry is DirectoryInfo dir && dir.LinkTarget is null) WorkspaceQuota.DeleteTree(dir.FullName);
                    else entry.Delete();
                }
                session.Quota.Invalidate();
            }
            await SaveRecordAsync(session, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<WorkspaceFile> WriteFileAsync(string sessionId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        WithSessionAsync(sessionId, async session =>
        {
            string full = WorkspacePaths.Resolve(session.WorkspacePath, path);
            if (Directory.Exists(full)) throw new ArgumentException($"'{path}' is a folder.", nameof(path));
            var (used, files) = session.Quota.Measure();
            long existing = File.Exists(full) ? new FileInfo(full).Length : 0;
            if (used - existing + content.Length > session.Record.MaxWorkspaceBytes)
                throw new WorkspaceQuotaExceededException(
                    $"Writing {content.Length:N0} bytes to '{path}' would put the workspace over its quota of {session.Record.MaxWorkspaceBytes:N0} bytes ({used:N0} used). Nothing was written.");
            int newEntries = existing == 0 && !File.Exists(full) ? CountMissingEntries(session.WorkspacePath, full) : 0;
            if (files + newEntries > session.Record.MaxFiles)
                throw new WorkspaceQuotaExceededException(
                    $"The workspace already holds {files} of its {session.Record.MaxFiles} files and folders. Nothing was written.");
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            string tmp = full + ".skwasm-" + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            await File.WriteAllBytesAsync(tmp, content.ToArray(), cancellationToken).ConfigureAwait(false);
            File.Move(tmp, full, overwrite: true);
            session.Quota.Invalidate();
            await _storage.SyncWorkspaceAsync(sessionId, cancellationToken).ConfigureAwait(false);
            var info = new FileInfo(full);
            return new WorkspaceFile(WorkspacePaths.Relative(session.WorkspacePath, full), info.Length, info.LastWriteTimeUtc, false);
        }, cancellationToken);

    private static int CountMissingEntries(string root, string full)
    {
        int count = 0;
        for (string? p = full; p is not null && p.Length > root.Length; p = Path.GetDirectoryName(p))
            if (!File.Exists(p) && !Directory.Exists(p)) count++;
        return count;
    }

    public Task<byte[]> ReadFileAsync(string sessionId, string path, CancellationToken cancellationToken = default) =>
        WithSessionAsync(sessionId, async session =>
        {
            long max = Math.Min(session.Record.MaxWorkspaceBytes, Array.MaxLength);
            var file = await ReadHeadAsync(session, path, (int)max, cancellationToken).ConfigureAwait(false);
            if (file.Truncated)
                throw new WorkspaceQuotaExceededException(
                    $"'{path}' holds {file.Size:N0} bytes, more than the workspace quota of {session.Record.MaxWorkspaceBytes:N0}; read part of it with a cap instead.");
            return file.Content.ToArray();
        }, cancellationToken);

    public Task<WorkspaceFileContent> ReadFileAsync(string sessionId, string path, int maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        return WithSessionAsync(sessionId, session => ReadHeadAsync(session, path, maxBytes, cancellationToken), cancellationToken);
    }

    private static async Task<WorkspaceFileContent> ReadHeadAsync(Session session, string path, int maxBytes, CancellationToken cancellationToken)
    {
        string full = WorkspacePaths.Resolve(session.WorkspacePath, path);
        if (!File.Exists(full)) throw new FileNotFoundException($"No file '{path}' in the workspace of session '{session.Id}'.", path);
        await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
        long size = stream.Length;
        var buffer = new byte[(int)Math.Min(size, maxBytes)];
        int read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return new WorkspaceFileContent(buffer.AsMemory(0, read), size, read < size);
    }

    public Task<IReadOnlyList<WorkspaceFile>> ListFilesAsync(string sessionId, string? folder = null, CancellationToken cancellationToken = default) =>
        WithSessionAsync(sessionId, session => Task.FromResult(ListFiles(session, folder)), cancellationToken);

    private static IReadOnlyList<WorkspaceFile> ListFiles(Session session, string? folder)
    {
        string dir = string.IsNullOrEmpty(folder) ? session.WorkspacePath : WorkspacePaths.Resolve(session.WorkspacePath, folder, allowRoot: true);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"No folder '{folder}' in the workspace.");
        return WorkspaceQuota.Walk(dir)
            .Select(e => new WorkspaceFile(WorkspacePaths.Relative(session.WorkspacePath, e.FullName),
                e is FileInfo f ? f.Length : 0, e.LastWriteTimeUtc, e is DirectoryInfo))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
    }

    public Task<bool> DeleteFileAsync(string sessionId, string path, CancellationToken cancellationToken = default) =>
        WithSessionAsync(sessionId, async session =>
        {
            string full = WorkspacePaths.Resolve(session.WorkspacePath, path);
            bool existed = false;
            if (File.Exists(full)) { File.Delete(full); existed = true; }
            else if (Directory.Exists(full)) { WorkspaceQuota.DeleteTree(full); existed = true; }
            session.Quota.Invalidate();
            await _storage.SyncWorkspaceAsync(sessionId, cancellationToken).ConfigureAwait(false);
            return existed;
        }, cancellationToken);

    public Task<WorkspaceInfo> GetWorkspaceInfoAsync(string sessionId, CancellationToken cancellationToken = default) =>
        WithSessionAsync(sessionId, async session =>
        {
            var files = ListFiles(session, null);
            var variables = new Dictionary<string, IReadOnlyList<string>>();
            foreach (var language in session.Record.Language is { } l ? [l] : Languages.All)
            {
                var state = session.State(language);
                if (state.Live is null && state.Checkpoint is null && !_options.PersistCheckpoints) continue;
                variables[language.Name()] = await ListVariablesAsync(session, language, cancellationToken).ConfigureAwait(false);
            }
            return new WorkspaceInfo
            {
                SessionId = sessionId,
                Files = files,
                UsedBytes = files.Sum(f => f.Size),
                FileCount = files.Count,
                QuotaBytes = session.Record.MaxWorkspaceBytes,
                QuotaFiles = session.Record.MaxFiles,
                InstalledPackages = session.Record.InstalledPackages,
                AvailablePackages = _packages.Names,
                Variables = variables,
            };
        }, cancellationToken);

    /// <summary>Asks the interpreter for the names earlier calls defined, without defining any.</summary>
    private async Task<IReadOnlyList<string>> ListVariablesAsync(Session session, Language language, CancellationToken cancellationToken)
    {
        string probe = language == Language.Python
            ? "print(__import__('json').dumps(sorted(k for k in globals() if not k.startswith('_'))))"
            : "console.log(__skwasm_names())";
        if (await ProbeAsync(session, language, probe, cancellationToken).ConfigureAwait(false) is not { } raw) return [];
        try
        {
            return JsonSerializer.Deserialize(raw.Stdout.Trim(), StorageJson.Default.ListString) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public Task<IReadOnlyList<string>> InstallPackageAsync(string sessionId, string package, CancellationToken cancellationToken = default) =>
        WithSessionAsync(sessionId, async session =>
        {
            if (session.Record.Language == Language.JavaScript)
                throw new ArgumentException("Packages are Python packages; this session runs JavaScript only.", nameof(package));
            var closure = _packages.Resolve(package);
            var state = session.State(Language.Python);
            string paths = string.Join(",", closure.Select(p => JsonSerializer.Serialize(_packages.GuestPath(p), StorageJson.Default.String)));
            string code = $"import sys\nfor _p in [{paths}]:\n    if _p not in sys.path: sys.path.append(_p)\ndel _p";
            if (await ProbeAsync(session, Language.Python, code, cancellationToken).ConfigureAwait(false) is null)
                throw new InvalidOperationException(
                    $"Installing '{package}' did not finish in the session's interpreter (code the session ran earlier may be interfering, e.g. a trace hook); " +
                    "the session was restored to its last checkpoint. Reset the session (reset_workspace) and install again.");
            state.Dirty = true;
            Checkpoint(session, Language.Python, state);
            var installed = session.Record.InstalledPackages.Union(closure).ToList();
            session.Record = session.Record with { InstalledPackages = installed };
            await SaveRecordAsync(session, cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<string>)closure;
        }, cancellationToken);

    public async Task<PruneReport> PruneAsync(CancellationToken cancellationToken = default)
    {
        var (removed, all) = await PruneStoredAsync(overflow: true, cancellationToken).ConfigureAwait(false);
        await EvictIdleInterpretersAsync(cancellationToken).ConfigureAwait(false);
        if (removed.Count > 0) Log.Pruned(_logger, removed.Count);
        return new PruneReport(removed, all - removed.Count);
    }

    private async Task PruneExpiredAsync(CancellationToken cancellationToken)
    {
        var (removed, _) = await PruneStoredAsync(overflow: false, cancellationToken).ConfigureAwait(false);
        if (removed.Count > 0) Log.Pruned(_logger, removed.Count);
    }

    /// <summary>
    /// Removes unreadable sessions and sessions idle past the TTL; with <paramref name="overflow"/> also the least
    /// recently used above <see cref="SessionManagerOptions.MaxSessions"/>, but only among sessions this process has
    /// not loaded: a session in use here is never removed to make room (creation is refused at the cap instead).
    /// </summary>
    private async Task<(List<string> Removed, int Seen)> PruneStoredAsync(bool overflow, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        var all = new List<SessionRecord>();
        int seen = 0;
        foreach (string id in await _storage.ListSessionIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            seen++;
            SessionRecord? record = _sessions.TryGetValue(id, out var live) ? live.Record : null;
            try
            {
                record ??= await _storage.LoadRecordAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                record = null;
            }
            if (record is null)
            {
                await _storage.DeleteSessionAsync(id, cancellationToken).ConfigureAwait(false);
                Forget(id);
                removed.Add(id);
                continue;
            }
            all.Add(record);
        }
        var now = DateTimeOffset.UtcNow;
        var expired = all.Where(r => now - r.LastUsedAt > _options.IdleTimeout).ToList();
        var excess = overflow
            ? all.Except(expired).OrderByDescending(r => r.LastUsedAt).Skip(_options.MaxSessions).Where(r => !_sessions.ContainsKey(r.Id)).ToList()
            : [];
        foreach (var record in expired.Concat(excess))
        {
            if (_sessions.ContainsKey(record.Id)) await DestroyAsync(record.Id, cancellationToken).ConfigureAwait(false);
            else
            {
                // Not while another process runs it.
                if (await _storage.TryLockSessionAsync(record.Id, TimeSpan.Zero, cancellationToken).ConfigureAwait(false) is not { } hold) continue;
                await using (hold.ConfigureAwait(false))
                    await _storage.DeleteSessionAsync(record.Id, cancellationToken).ConfigureAwait(false);
            }
            Forget(record.Id);
            removed.Add(record.Id);
        }
        return (removed, seen);
    }

    /// <summary>Drops live interpreters idle past the eviction time; their checkpoint brings them back on the next call.</summary>
    internal async Task EvictIdleInterpretersAsync(CancellationToken cancellationToken)
    {
        foreach (var session in _sessions.Values)
        {
            if (!session.Gate.Wait(0)) continue; // busy: not idle
            try
            {
                foreach (var (language, state) in session.States)
                {
                    if (state.Live is null || Stopwatch.GetElapsedTime(state.LastCallTimestamp) < _options.EvictLiveInterpreterAfter) continue;
                    Checkpoint(session, language, state);
                    Release(state);
                }
            }
            finally
            {
                session.Gate.Release();
            }
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        foreach (var session in _sessions.Values)
        {
            await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (session.Destroyed) continue;
                foreach (var (language, state) in session.States)
                    Checkpoint(session, language, state);
                await WaitPersistedAsync(session).ConfigureAwait(false);
                if (session.RecordDirty) await SaveRecordAsync(session, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                session.Gate.Release();
            }
        }
    }

    /// <summary>Live interpreters now (for tests and metrics).</summary>
    internal int LiveInterpreterCount => _sessions.Values.Sum(s => s.States.Values.Count(st => st.Live is not null));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SaveFailed(_logger, "*", ex.Message);
        }
        await Task.WhenAll(_background.Keys).ConfigureAwait(false);
        foreach (var session in _sessions.Values)
        {
            foreach (var state in session.States.Values)
            {
                state.Live?.Dispose();
                state.Live = null;
            }
            if (session.StorageLock is { } hold) await hold.DisposeAsync().ConfigureAwait(false);
        }
        _sessions.Clear();
        _trimmer?.Dispose();
    }
}
