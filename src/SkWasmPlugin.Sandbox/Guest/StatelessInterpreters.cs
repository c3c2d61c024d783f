namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// The interpreters of stateless calls. A call takes a started interpreter that an earlier call left behind (put back
/// into the started state after that call's result, off its path), or a new one restored from the start-up image; so a
/// fresh call pays neither a new instance nor the copy of the image, only its own run.
/// </summary>
/// <remarks>
/// An interpreter is kept only when its call left nothing but memory behind: it did not trap or exit, its memory did not
/// grow, it changed no file and holds none open. Its memory is then put back exactly (every page the process has
/// touched compared with the started interpreter's, <see cref="GuestRuntime.TryRestoreInPlace"/>), so the next call,
/// perhaps another user's, sees a started interpreter and an empty /app, as a new instance would show it. Anything
/// else, or an interpreter that cannot be restored exactly, is dropped as before. At most
/// <see cref="SandboxOptions.ReadyStatelessInterpreters"/> are kept per runtime.
/// </remarks>
internal sealed class StatelessInterpreters : IAsyncDisposable
{
    private readonly RuntimeCatalog _catalog;
    private readonly SandboxOptions _options;
    private readonly Ready[] _ready;
    private readonly FolderSweeper _sweeper = new();
    private int _disposed;

    /// <summary>Each runtime's first dropped interpreter, dropped after its result (null before that).</summary>
    private readonly Task?[] _firstDrops = new Task?[Languages.All.Count];
    private readonly int[] _firstDropTaken = new int[Languages.All.Count];

    public StatelessInterpreters(RuntimeCatalog catalog, SandboxOptions options)
    {
        _catalog = catalog;
        _options = options;
        _ready = new Ready[Languages.All.Count];
        for (int i = 0; i < _ready.Length; i++) _ready[i] = new Ready(options.ReadyStatelessInterpreters);
    }

    /// <summary>Interpreters kept for the next calls of <paramref name="language"/> now (for tests).</summary>
    internal int ReadyCount(Language language) => _ready[(int)language].Count;

    /// <summary>Interpreters of earlier calls reused (for tests and benchmarks).</summary>
    internal long Reused => Interlocked.Read(ref _reused);
    private long _reused;

    /// <summary>Runs one stateless call on a kept interpreter, or on a new one.</summary>
    public async Task<RawExecution> RunAsync(ExecutionRequest request, int flags, EffectiveLimits limits, OutputForwarder? output, CancellationToken cancellationToken)
    {
        var runtime = _catalog.Get(request.Language);
        int lang = (int)request.Language;
        var kept = await _ready[lang].TakeAsync(cancellationToken).ConfigureAwait(false);
        // The runtime's first dropped interpreter may still be freeing its pool slot: wait, so this call finds that
        // slot warm instead of taking a cold one, whose pages would all fault in again.
        if (kept is null && _firstDrops[lang] is { IsCompleted: false } drop)
            await drop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return await Task.Run(() => Run(runtime, kept, request, flags, limits, output, cancellationToken), CancellationToken.None).ConfigureAwait(false);
    }

    private RawExecution Run(GuestRuntime runtime, GuestInstance? kept, ExecutionRequest request, int flags, EffectiveLimits limits,
        OutputForwarder? output, CancellationToken cancellationToken)
    {
        GuestInstance? instance = kept;
        if (kept is not null) Interlocked.Increment(ref _reused);
        bool keep = false;
        try
        {
            if (instance is null)
            {
                string workspace = Path.Combine(_catalog.ScratchRoot, "run-" + Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(workspace);
                try
                {
                    instance = runtime.NewInstance(workspace, new WorkspaceQuota(workspace, _options.Sessions.DefaultMaxWorkspaceBytes, _options.Sessions.DefaultMaxFiles));
                }
                catch
                {
                    _sweeper.Delete(workspace);
                    throw;
                }
            }
            long changes = instance.Files.Changes;
            var raw = instance.Execute(request.Code, request.Stdin, flags, limits, cancellationToken, output);
            keep = !instance.Spoiled && instance.Files.Changes == changes && instance.Files.Idle && instance.MemoryLength == runtime.StartedImage.MemoryLength;
            // The folder started empty, so everything in it now is new; read before it is deleted (images whole).
            return instance.Files.Changes == changes ? raw
                : raw with { Files = WorkspaceScan.Compare(WorkspaceScan.Empty, WorkspaceScan.Take(instance.WorkspacePath), instance.WorkspacePath) };
        }
        finally
        {
            if (instance is not null)
            {
                if (!(keep && _ready[(int)runtime.Language].TryBeginRestore(instance, Restore))) Drop(instance);
            }
        }
    }

    /// <summary>Puts a kept interpreter back into the started state (on a pool thread, after its call's result).</summary>
    private bool Restore(GuestInstance instance)
    {
        if (Volatile.Read(ref _disposed) != 0) return false;
        try
        {
            if (!instance.Runtime.TryRestoreInPlace(instance, null)) return false;
            // Marks the folder in use: the scratch sweep removes only folders untouched for a day.
            Directory.SetLastWriteTimeUtc(instance.WorkspacePath, DateTime.UtcNow);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // the folder's time could not be set: it may be swept, so the interpreter is not kept
        }
    }

    /// <summary>Drops an interpreter and its folder (the runtime's first in the background: see below).</summary>
    private void Drop(GuestInstance instance)
    {
        int lang = (int)instance.Runtime.Language;
        // A slot's first reset faults in every page it keeps resident (tens of milliseconds), so each runtime's first
        // dropped interpreter goes after the result. Later resets are cheap and done here, so the next call finds its
        // slot free and warm without waiting for another thread.
        if (Volatile.Read(ref _disposed) == 0 && Interlocked.Exchange(ref _firstDropTaken[lang], 1) == 0)
        {
            _firstDrops[lang] = Task.Run(() => DropNow(instance));
            return;
        }
        DropNow(instance);
    }

    private void DropNow(GuestInstance instance)
    {
        instance.Dispose();
        _sweeper.Delete(instance.WorkspacePath);
    }

    /// <summary>Waits for the restores and drops under way, then drops every kept interpreter (before the engines go).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var ready in _ready) await ready.DrainAsync(DropNow).ConfigureAwait(false);
        await Task.WhenAll(_firstDrops.OfType<Task>()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _sweeper.Dispose();
    }

    /// <summary>One runtime's kept interpreters, those being restored, and the calls waiting for one.</summary>
    private sealed class Ready(int capacity)
    {
        private readonly Lock _lock = new();
        private readonly Stack<GuestInstance> _ready = new();
        private readonly Queue<TaskCompletionSource<GuestInstance?>> _waiting = new();
        private int _restoring;
        private bool _closed;
        private TaskCompletionSource? _restoresDone;

        public int Count
        {
            get { lock (_lock) return _ready.Count; }
        }

        /// <summary>
        /// A kept interpreter; when none is kept but one is being restored and no other call waits for it, that one
        /// (a restore is quicker than a new instance); otherwise null: the caller makes a new interpreter.
        /// </summary>
        public async ValueTask<GuestInstance?> TakeAsync(CancellationToken cancellationToken)
        {
            TaskCompletionSource<GuestInstance?> waiter;
            lock (_lock)
            {
                while (_ready.TryPop(out var instance))
                {
                    if (Directory.Exists(instance.WorkspacePath) && instance.Runtime.IsCurrent(instance)) return instance;
                    // Its folder was removed under it (a scratch sweep), or its code was replaced (baseline, now optimized): never run it again.
                    _ = Task.Run(() =>
                    {
                        instance.Dispose();
                        GuestRuntime.TryDeleteDirectory(instance.WorkspacePath);
                    });
                }
                if (_closed || _waiting.Count >= _restoring) return null;
                waiter = new TaskCompletionSource<GuestInstance?>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Enqueue(waiter);
            }
            await using var registration = cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)).ConfigureAwait(false);
            return await waiter.Task.ConfigureAwait(false);
        }

        /// <summary>Starts putting <paramref name="instance"/> back on a pool thread when there is room for it; false: drop it.</summary>
        public bool TryBeginRestore(GuestInstance instance, Func<GuestInstance, bool> restore)
        {
            lock (_lock)
            {
                if (_closed || _ready.Count + _restoring >= capacity) return false;
                _restoring++;
            }
            ThreadPool.UnsafeQueueUserWorkItem(static state =>
            {
                var (ready, instance, restore) = state;
                bool restored;
                try
                {
                    restored = restore(instance);
                }
#pragma warning disable CA1031 // on a pool thread: whatever a restore throws must drop the interpreter, not end the process
                catch (Exception)
#pragma warning restore CA1031
                {
                    restored = false;
                }
                ready.Finish(instance, restored);
            }, (this, instance, restore), preferLocal: false);
            return true;
        }

        private void Finish(GuestInstance instance, bool restored)
        {
            TaskCompletionSource? done = null;
            bool dispose = !restored;
            lock (_lock)
            {
                _restoring--;
                if (restored)
                {
                    // A waiting call whose wait was cancelled does not take it: the next one does, or it is kept.
                    bool handed = false;
                    while (!handed && _waiting.TryDequeue(out var waiter)) handed = waiter.TrySetResult(instance);
                    if (!handed)
                    {
                        if (_closed) dispose = true;
                        else _ready.Push(instance);
                    }
                }
                // A call waiting for a restore that failed makes its own interpreter instead.
                while (_waiting.Count > _restoring && _waiting.TryDequeue(out var waiter)) waiter.TrySetResult(null);
                if (_restoring == 0) (done, _restoresDone) = (_restoresDone, null);
            }
            if (dispose) instance.Dispose();
            if (!restored) GuestRuntime.TryDeleteDirectory(instance.WorkspacePath);
            done?.TrySetResult();
        }

        /// <summary>Stops keeping interpreters, waits for the restores under way and drops what is kept.</summary>
        public async Task DrainAsync(Action<GuestInstance> drop)
        {
            Task? restores = null;
            lock (_lock)
            {
                _closed = true;
                if (_restoring > 0)
                {
                    _restoresDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    restores = _restoresDone.Task;
                }
                while (_waiting.TryDequeue(out var waiter)) waiter.TrySetResult(null);
            }
            if (restores is not null) await restores.ConfigureAwait(false);
            List<GuestInstance> kept;
            lock (_lock)
            {
                kept = [.. _ready];
                _ready.Clear();
            }
            foreach (var instance in kept) drop(instance);
        }
    }
}
