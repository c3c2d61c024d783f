using Microsoft.Extensions.Logging;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// The process-wide Wasmtime engines with fuel metering and epoch interruption, the epoch ticker that drives
/// deadlines, cancellation and output caps, and the linkers with WASI (plus our interruptible sleep).
/// </summary>
/// <remarks>
/// Two engines share one configuration but not their allocator. Stateless calls take pool slots whose memory
/// stays resident between uses (<see cref="SandboxOptions.PoolKeepResidentBytes"/>), which is what makes a
/// fresh interpreter cost well under a millisecond. Session interpreters live for minutes or hours, so they get
/// their own memory mappings, unmapped when the interpreter is dropped: destroying a session gives its memory
/// back to the system instead of leaving a warm slot behind. Compiled code is the same for both.
/// </remarks>
internal sealed class WasmEngineHost : IDisposable
{
    private readonly Thread _ticker;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The engine for stateless calls (pooled when <see cref="SandboxOptions.UsePoolingAllocator"/>).</summary>
    public WasmEngine Stateless { get; }

    /// <summary>The engine for session interpreters (pooled only when <see cref="SandboxOptions.SessionsUsePool"/>).</summary>
    public WasmEngine Sessions => _sessions.Value;

    private readonly Lazy<WasmEngine> _sessions;
    private readonly List<WasmEngine> _engines = [];
    public ModuleCache Cache { get; }

    /// <summary>The cache of the baseline compiler's modules (same folder, their own key).</summary>
    public ModuleCache BaselineCache { get; }

    private BaselineEngines? _baseline;

    /// <summary>A stateless and a session engine whose code comes from Wasmtime's baseline compiler.</summary>
    internal sealed record BaselineEngines(WasmEngine Stateless, WasmEngine Sessions)
    {
        /// <summary>Releases the holds <see cref="AcquireBaseline"/> gave.</summary>
        public void Release()
        {
            Stateless.Release();
            if (!ReferenceEquals(Sessions, Stateless)) Sessions.Release();
        }
    }

    /// <summary>
    /// Holds on the baseline compiler's engines, made on first need and shared by the runtimes that start cold; each
    /// goes when the last runtime has moved to optimized code and its last interpreter is gone. Null when
    /// <see cref="SandboxOptions.BaselineCompilerWhileCold"/> is off or Wasmtime for .NET cannot select Winch.
    /// </summary>
    public BaselineEngines? AcquireBaseline()
    {
        if (!Options.BaselineCompilerWhileCold) return null;
        lock (_engines)
        {
            if (_baseline is { } existing && existing.Stateless.TryAcquire())
            {
                if (ReferenceEquals(existing.Sessions, existing.Stateless) || existing.Sessions.TryAcquire()) return existing;
                existing.Stateless.Release();
            }
            var stateless = WasmEngine.TryCreate(Options, Options.UsePoolingAllocator, BaselineCache, CompilerTier.Baseline, Untrack);
            if (stateless is null) return null;
            var sessions = Options.UsePoolingAllocator && !Options.SessionsUsePool
                ? WasmEngine.TryCreate(Options, pooled: false, BaselineCache, CompilerTier.Baseline, Untrack) ?? stateless
                : stateless;
            Track(stateless);
            if (!ReferenceEquals(sessions, stateless)) Track(sessions);
            return _baseline = new BaselineEngines(stateless, sessions);
        }
    }

    /// <summary>The engines alive now of <paramref name="compiler"/>'s code (tests, diagnostics).</summary>
    internal int LiveEngines(CompilerTier compiler)
    {
        lock (_engines) return _engines.Count(e => e.Compiler == compiler);
    }

    /// <summary>A released engine stops getting epoch ticks before it is disposed.</summary>
    private void Untrack(WasmEngine engine)
    {
        lock (_engines) _engines.Remove(engine);
    }

    /// <summary>
    /// Host file descriptors all guests together may hold open (each guest open is a real host open). Without
    /// a cap, one session keeping files open, e.g. <c>[open('x') for _ in range(10**5)]</c>, exhausts the
    /// process's descriptor limit and every other session and the host itself get EMFILE.
    /// </summary>
    internal const int MaxGuestOpenFiles = 8192;

    /// <summary>
    /// The part of <see cref="MaxGuestOpenFiles"/> only stateless calls may use: sessions holding files open,
    /// however many, never make a stateless call's imports fail.
    /// </summary>
    internal const int StatelessOpenFiles = 1024;

    private int _sessionOpenFiles;
    private int _statelessOpenFiles;

    /// <summary>Takes one descriptor from the budget of sessions or of stateless calls; false when it is spent.</summary>
    internal bool TryTakeGuestFile(bool forSession)
    {
        ref int used = ref forSession ? ref _sessionOpenFiles : ref _statelessOpenFiles;
        int limit = forSession ? MaxGuestOpenFiles - StatelessOpenFiles : StatelessOpenFiles;
        if (Interlocked.Increment(ref used) <= limit) return true;
        Interlocked.Decrement(ref used);
        return false;
    }

    internal void ReturnGuestFiles(bool forSession, int count) =>
        Interlocked.Add(ref forSession ? ref _sessionOpenFiles : ref _statelessOpenFiles, -count);
    public SandboxOptions Options { get; }

    public WasmEngineHost(SandboxOptions options, ILogger logger)
    {
        Options = options;
        string? cacheDir = CacheDirectory(options);
        Cache = new ModuleCache(cacheDir, EngineSettings.CacheKey(options), logger);
        BaselineCache = new ModuleCache(cacheDir, EngineSettings.CacheKey(options, CompilerTier.Baseline), logger, "baseline-");
        Stateless = Track(new WasmEngine(options, options.UsePoolingAllocator, Cache));
        _sessions = new(() => options.UsePoolingAllocator && !options.SessionsUsePool
            ? Track(new WasmEngine(options, pooled: false, Cache))
            : Stateless);
        // A dedicated thread rather than a pool timer: deadlines must keep ticking when the pool is busy.
        _ticker = new Thread(() =>
        {
            var token = _stopping.Token;
            while (!token.WaitHandle.WaitOne(options.EpochInterval))
            {
                lock (_engines)
                    foreach (var engine in _engines) engine.Engine.IncrementEpoch();
            }
        })
        { IsBackground = true, Name = "skwasm-epoch", Priority = ThreadPriority.AboveNormal };
        _ticker.Start();
    }

    private WasmEngine Track(WasmEngine engine)
    {
        lock (_engines) _engines.Add(engine);
        return engine;
    }

    /// <summary>The module cache folder <paramref name="options"/> name, or null when the cache is disabled.</summary>
    internal static string? CacheDirectory(SandboxOptions options) =>
        options.DisableModuleCache ? null : options.ModuleCachePath ?? SandboxPaths.ModuleCache();

    public void Dispose()
    {
        _stopping.Cancel();
        _ticker.Join();
        _stopping.Dispose();
        lock (_engines)
            foreach (var engine in _engines.ToList()) engine.Dispose();
    }
}
