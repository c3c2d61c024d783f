using Microsoft.Extensions.Logging;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>
/// Sessions, as <see cref="ISessionManager"/>: a façade over the parts that do the work — the registry (loading
/// and the storage lock), the interpreter pool (live interpreters, recovery, eviction), the checkpoint writer, the
/// probes (variables, packages), the workspace files and the pruner. Every operation on a session holds its gate.
/// A little over 300 lines because <see cref="ISessionManager"/> has fifteen operations; each is a few lines here
/// (what does the work, e.g. starting a new session's interpreter in the background, lives in those parts).
/// </summary>
internal sealed class SessionManager : ISessionManager, IAsyncDisposable
{
    private readonly IWorkspaceStorage _storage;
    private readonly SessionManagerOptions _options;
    private readonly PackageCatalog _packages;
    private readonly ILogger _logger;
    private readonly SessionRegistry _registry;
    private readonly CheckpointWriter _checkpoints;
    private readonly InterpreterPool _pool;
    private readonly SessionProbes _probes;
    private readonly SessionPruner _pruner;

    public SessionManager(RuntimeCatalog catalog, IWorkspaceStorage storage, SessionManagerOptions options, PackageCatalog packages, ILogger logger, int maxLiveInstances)
    {
        _storage = storage;
        _options = options;
        _packages = packages;
        _logger = logger;
        _registry = new SessionRegistry(storage, options, logger);
        _checkpoints = new CheckpointWriter(catalog, storage, options, logger);
        _pool = new InterpreterPool(catalog, storage, options, _registry, _checkpoints, logger, maxLiveInstances);
        _probes = new SessionProbes(_pool, packages);
        _pruner = new SessionPruner(storage, options, _registry, DestroyAsync);
    }

    /// <summary>Trims run after releases so far (null when <see cref="SessionManagerOptions.TrimMemoryAfterRelease"/> is off).</summary>
    internal int? MemoryTrims => _pool.MemoryTrims;

    /// <summary>Live interpreters now (for tests and metrics).</summary>
    internal int LiveInterpreterCount => _pool.LiveCount;

    /// <summary>A session's limits as they apply to a call (throws ArgumentOutOfRangeException past the host maximums).</summary>
    internal Func<ExecutionLimits?, EffectiveLimits>? ResolveLimits
    {
        get => _probes.ResolveLimits;
        set => _probes.ResolveLimits = value;
    }

    public async Task<SessionInfo> CreateAsync(SessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SessionOptions();
        string id = options.Id is null ? SessionRegistry.NewId() : WorkspacePaths.ValidateSessionId(options.Id);
        if (options.MaxWorkspaceBytes is <= 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxWorkspaceBytes must be positive.");
        if (options.MaxFiles is <= 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxFiles must be positive.");
        if (options.Language is { } lang && !Languages.IsKnown(lang)) throw new ArgumentOutOfRangeException(nameof(options), "Unknown language.");
        if (options.Limits is not null) ResolveLimits?.Invoke(options.Limits); // a session whose every call would be refused is not created

        await _registry.Creating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = await _registry.FindAsync(id, cancellationToken).ConfigureAwait(false);
            if (existing is not null) return existing.ToInfo();
            if (await _registry.CountAsync(cancellationToken).ConfigureAwait(false) >= _options.MaxSessions)
            {
                // Room is made only from sessions idle past the TTL, never from sessions someone still uses.
                var (removed, _) = await _pruner.PruneAsync(overflow: false, cancellationToken).ConfigureAwait(false);
                if (removed.Count > 0) Log.Pruned(_logger, removed.Count);
                if (await _registry.CountAsync(cancellationToken).ConfigureAwait(false) >= _options.MaxSessions)
                    throw new SessionLimitExceededException(_options.MaxSessions);
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
            var hold = await _registry.LockAsync(id, cancellationToken).ConfigureAwait(false);
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
            _registry.Add(session);
            if (_options.StartInterpreterOnCreate && options.Language is { } language) _pool.StartInBackground(id, language);
            return session.ToInfo();
        }
        finally
        {
            _registry.Creating.Release();
        }
    }

    public async Task<SessionInfo?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        WorkspacePaths.ValidateSessionId(sessionId);
        return (await _registry.PeekAsync(sessionId, cancellationToken).ConfigureAwait(false)) is { } record ? Session.InfoOf(record) : null;
    }

    public async Task<IReadOnlyList<SessionInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = await _storage.ListSessionIdsAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<SessionInfo>();
        foreach (string id in ids.Union(_registry.LoadedIds))
        {
            if (await _registry.PeekAsync(id, cancellationToken).ConfigureAwait(false) is { } record) list.Add(Session.InfoOf(record));
        }
        return [.. list.OrderByDescending(s => s.LastUsedAt)];
    }

    /// <summary>Runs one call in a session: live interpreter, restore after a trap, checkpoint afterwards.</summary>
    internal Task<(RawExecution Raw, IReadOnlyList<string> Notes, SessionRecord Record)> ExecuteAsync(
        string sessionId, Language language, string code, string? stdin, int flags, Func<SessionRecord, EffectiveLimits> limitsFor,
        CancellationToken cancellationToken, OutputForwarder? output = null) =>
        _registry.WithSessionAsync(sessionId, async session =>
        {
            if (session.Record.Language is { } only && only != language)
                throw new ArgumentException($"Session '{sessionId}' runs {only.Name()} only; it cannot run {language.Name()}.", nameof(language));
            var limits = limitsFor(session.Record);
            var notes = new List<string>();
            var raw = await _pool.RunAsync(session, language, code, stdin, flags, limits, notes, cancellationToken, output).ConfigureAwait(false);
            session.Record = session.Record with { ExecutionCount = session.Record.ExecutionCount + 1, LastUsedAt = DateTimeOffset.UtcNow };
            session.RecordDirty = true;
            var state = session.State(language);
            if (raw.InstanceSpoiled)
            {
                notes.Add(state.Checkpoint is null
                    ? "The interpreter was stopped mid-run, so its state was reset to a fresh interpreter; variables from earlier calls are gone. Files in /app are kept."
                    : $"The interpreter was stopped mid-run, so the session's state was restored to its last good checkpoint (after call {state.CheckpointCall}); changes made by this call are gone. Files in /app are kept.");
            }
            else
            {
                _checkpoints.AfterCall(session, language, state);
            }
            return (raw, (IReadOnlyList<string>)notes, session.Record);
        }, cancellationToken);

    public async Task<bool> DestroyAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        WorkspacePaths.ValidateSessionId(sessionId);
        var session = await _registry.FindAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (session is null) return false;
        if (session.Unloaded) return await DestroyAsync(sessionId, cancellationToken).ConfigureAwait(false); // given up meanwhile: load it again
        session.Destroyed = true;
        await session.Lifetime.CancelAsync().ConfigureAwait(false); // stops a running call at the next epoch tick
        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var state in session.States.Values)
            {
                _pool.Release(state);
                state.Checkpoint = null;
            }
            _registry.Unload(sessionId);
            await CheckpointWriter.WaitPersistedAsync(session).ConfigureAwait(false); // a late write must not resurrect the session
            await _storage.DeleteSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
            _registry.Forget(sessionId);
            if (session.StorageLock is { } hold) await hold.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            session.Gate.Release();
        }
        return true;
    }

    public Task ResetAsync(string sessionId, bool clearFiles = false, CancellationToken cancellationToken = default) =>
        _registry.WithSessionAsync(sessionId, async session =>
        {
            await CheckpointWriter.WaitPersistedAsync(session).ConfigureAwait(false);
            foreach (var state in session.States.Values)
            {
                _pool.Release(state);
                state.Checkpoint = null;
                state.Dirty = false;
                state.CheckpointLoaded = true;
            }
            // Every language's stored state, also of languages not started in this process.
            foreach (var language in Languages.All)
                await _storage.DeleteStateAsync(sessionId, CheckpointWriter.StateName(language), cancellationToken).ConfigureAwait(false);
            session.Record = session.Record with { InstalledPackages = [] };
            if (clearFiles) WorkspaceFiles.Clear(session);
            await CheckpointWriter.SaveRecordAsync(_storage, session, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<WorkspaceFile> WriteFileAsync(string sessionId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        _registry.WithSessionAsync(sessionId, session => WorkspaceFiles.WriteAsync(_storage, session, path, content, cancellationToken), cancellationToken);

    public Task<byte[]> ReadFileAsync(string sessionId, string path, CancellationToken cancellationToken = default) =>
        _registry.WithSessionAsync(sessionId, session => WorkspaceFiles.ReadAllAsync(session, path, cancellationToken), cancellationToken);

    public Task<WorkspaceFileContent> ReadFileAsync(string sessionId, string path, int maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        return _registry.WithSessionAsync(sessionId, session => WorkspaceFiles.ReadHeadAsync(session, path, maxBytes, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<WorkspaceFile>> ListFilesAsync(string sessionId, string? folder = null, CancellationToken cancellationToken = default) =>
        _registry.WithSessionAsync(sessionId, session => Task.FromResult(WorkspaceFiles.List(session, folder)), cancellationToken);

    public Task<bool> DeleteFileAsync(string sessionId, string path, CancellationToken cancellationToken = default) =>
        _registry.WithSessionAsync(sessionId, session => WorkspaceFiles.DeleteAsync(_storage, session, path, cancellationToken), cancellationToken);

    public Task<WorkspaceInfo> GetWorkspaceInfoAsync(string sessionId, CancellationToken cancellationToken = default) =>
        _registry.WithSessionAsync(sessionId, async session =>
        {
            var files = WorkspaceFiles.List(session, null);
            var variables = new Dictionary<string, IReadOnlyList<string>>();
            foreach (var language in session.Record.Language is { } l ? [l] : Languages.All)
            {
                var state = session.State(language);
                if (state.Live is null && state.Checkpoint is null && !_options.PersistCheckpoints) continue;
                variables[language.Name()] = await _probes.ListVariablesAsync(session, language, cancellationToken).ConfigureAwait(false);
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

    public Task<IReadOnlyList<string>> InstallPackageAsync(string sessionId, string package, CancellationToken cancellationToken = default) =>
        _registry.WithSessionAsync(sessionId, async session =>
        {
            if (session.Record.Language == Language.JavaScript)
                throw new ArgumentException("Packages are Python packages; this session runs JavaScript only.", nameof(package));
            var closure = _packages.Resolve(package);
            await _probes.EnsureImportableAsync(session, closure, package, cancellationToken).ConfigureAwait(false);
            var state = session.State(Language.Python);
            state.Dirty = true;
            _checkpoints.Checkpoint(session, Language.Python, state);
            session.Record = session.Record with { InstalledPackages = session.Record.InstalledPackages.Union(closure).ToList() };
            await CheckpointWriter.SaveRecordAsync(_storage, session, cancellationToken).ConfigureAwait(false);
            return closure;
        }, cancellationToken);

    public async Task<PruneReport> PruneAsync(CancellationToken cancellationToken = default)
    {
        var (removed, seen) = await _pruner.PruneAsync(overflow: true, cancellationToken).ConfigureAwait(false);
        _pool.EvictIdle();
        if (removed.Count > 0) Log.Pruned(_logger, removed.Count);
        return new PruneReport(removed, seen - removed.Count);
    }

    /// <summary>Drops live interpreters idle past the eviction time; their checkpoint brings them back on the next call.</summary>
    internal Task EvictIdleInterpretersAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _pool.EvictIdle();
        return Task.CompletedTask;
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        foreach (var session in _registry.Loaded)
            await FlushLoadedAsync(session, unload: false, cancellationToken).ConfigureAwait(false);
    }

    public async Task FlushAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        WorkspacePaths.ValidateSessionId(sessionId);
        if (_registry.TryGet(sessionId, out var session))
            await FlushLoadedAsync(session, unload: false, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> UnloadAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        WorkspacePaths.ValidateSessionId(sessionId);
        return _registry.TryGet(sessionId, out var session)
            && await FlushLoadedAsync(session, unload: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checkpoints a loaded session and waits until storage has it; with <paramref name="unload"/> then drops it from
    /// this process and gives up its storage lock. False when it was destroyed or unloaded meanwhile.
    /// </summary>
    private async Task<bool> FlushLoadedAsync(Session session, bool unload, CancellationToken cancellationToken)
    {
        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (session.Destroyed || session.Unloaded) return false;
            foreach (var (language, state) in session.States)
                _checkpoints.Checkpoint(session, language, state);
            await CheckpointWriter.WaitPersistedAsync(session).ConfigureAwait(false);
            if (session.RecordDirty) await CheckpointWriter.SaveRecordAsync(_storage, session, cancellationToken).ConfigureAwait(false);
            if (!unload) return true;
            await _storage.SyncWorkspaceAsync(session.Id, cancellationToken).ConfigureAwait(false);
            foreach (var state in session.States.Values) _pool.Release(state);
            session.Unloaded = true; // a caller waiting on the gate loads the session again
            _registry.Unload(session.Id);
            if (session.StorageLock is { } hold) await hold.DisposeAsync().ConfigureAwait(false);
            return true;
        }
        finally
        {
            session.Gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _pool.StopStartingAsync().ConfigureAwait(false);
        try
        {
            await FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SaveFailed(_logger, "*", ex.Message);
        }
        await _checkpoints.DrainAsync().ConfigureAwait(false);
        foreach (var session in _registry.Clear())
        {
            InterpreterPool.DisposeInterpreters(session);
            if (session.StorageLock is { } hold) await hold.DisposeAsync().ConfigureAwait(false);
        }
        _pool.Dispose();
    }
}
