using System.Reflection;
using Microsoft.Extensions.Logging;
using Wasmtime;
using Module = Wasmtime.Module;

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
        string? cacheDir = options.DisableModuleCache ? null : options.ModuleCachePath ?? DefaultCacheDirectory();
        Cache = new ModuleCache(cacheDir, $"fuel=1;epoch=1;stack={options.WasmStackBytes};opt=speed;cow=1", logger);
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

    private static string DefaultCacheDirectory() => SandboxPaths.ModuleCache();

    public void Dispose()
    {
        _stopping.Cancel();
        _ticker.Join();
        _stopping.Dispose();
        lock (_engines)
            foreach (var engine in _engines) engine.Dispose();
    }
}

/// <summary>One Wasmtime engine with its linkers and our WASI trampoline module.</summary>
internal sealed class WasmEngine : IDisposable
{
    public Engine Engine { get; }
    public Linker Linker { get; }

    /// <summary>Plain WASI, from which each store takes the functions our overrides pass calls on to.</summary>
    public Linker WasiLinker { get; }

    /// <summary>
    /// Calls plain WASI on behalf of our overrides. A WASI function reads the calling instance's "memory"
    /// export, so it cannot be invoked from the host directly: this module imports the guest's memory,
    /// re-exports it, and forwards each call.
    /// </summary>
    public Module Trampoline { get; }

    public bool Pooled { get; }

    /// <summary>
    /// The WASI functions the file gate calls on the guest's behalf (the originals, which <see cref="WasiOverrides"/>
    /// shadow for the guest), with their parameter types; each returns an errno. Also the trampoline's import order.
    /// </summary>
    internal static readonly (string Name, string Params)[] TrampolineFunctions =
    [
        ("fd_write", "i32 i32 i32 i32"), ("fd_pwrite", "i32 i32 i32 i64 i32"),
        ("path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"), ("path_create_directory", "i32 i32 i32"),
        ("fd_seek", "i32 i64 i32 i32"), ("fd_filestat_set_size", "i32 i64"), ("fd_close", "i32"),
        ("fd_renumber", "i32 i32"), ("fd_filestat_get", "i32 i32"), ("fd_fdstat_get", "i32 i32"),
        ("path_filestat_get", "i32 i32 i32 i32 i32"), ("path_unlink_file", "i32 i32 i32"),
        ("path_remove_directory", "i32 i32 i32"), ("path_rename", "i32 i32 i32 i32 i32 i32"),
    ];

    /// <summary>A module that imports the guest's memory and the plain WASI functions and exports them, so host code can call them as the guest.</summary>
    private static string TrampolineText()
    {
        var text = new System.Text.StringBuilder("(module\n  (import \"env\" \"memory\" (memory 0))\n");
        foreach (var (name, parameters) in TrampolineFunctions)
            text.Append($"  (import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {parameters}) (result i32)))\n");
        text.Append("  (export \"memory\" (memory 0))\n");
        foreach (var (name, parameters) in TrampolineFunctions)
        {
            int count = parameters.Split(' ').Length;
            string gets = string.Join(" ", Enumerable.Range(0, count).Select(i => $"local.get {i}"));
            text.Append($"  (func (export \"{name}\") (param {parameters}) (result i32) {gets} call ${name})\n");
        }
        return text.Append(')').ToString();
    }

    public WasmEngine(SandboxOptions options, bool pooled, ModuleCache cache)
    {
        Pooled = pooled;
        using var config = new Config()
            .WithFuelConsumption(true)
            .WithEpochInterruption(true)
            .WithMaximumStackSize(options.WasmStackBytes)
            .WithOptimizationLevel(OptimizationLevel.Speed)
            .WithMemoryInitCopyOnWrite(true)
            .WithParallelCompilation(true);
        if (pooled)
        {
            // Each guest instance is the runtime plus our small WASI trampoline: two core instances, one memory.
            using var pool = new PoolingAllocationConfig()
                .WithMaxMemorySize((nuint)options.MaxMemoryBytes)
                .WithMaxMemories((uint)options.MaxLiveInstances)
                .WithMaxCoreInstances((uint)options.MaxLiveInstances * 2)
                .WithMaxTables((uint)options.MaxLiveInstances * 2)
                .WithLinearMemoryKeepResidentBytes((nuint)options.PoolKeepResidentBytes)
                .WithMaxUnusedWarmSlots(16);
            WithoutAsyncStacks(pool);
            config.WithPoolingAllocationStrategy(pool);
        }
        Engine = new Engine(config);
        Linker = new Linker(Engine) { AllowShadowing = true };
        Linker.DefineWasi();
        WasiOverrides.Define(Linker);
        WasiLinker = new Linker(Engine);
        WasiLinker.DefineWasi();
        Trampoline = cache.LoadText(Engine, "skwasm-wasi-trampoline", TrampolineText());
    }

    // The pool reserves async fiber stacks (1000 by default, each with a guard page set by its own mprotect),
    // though the .NET API never runs wasm asynchronously; that made creating the engine take 3.4 ms instead of
    // 0.3 ms, paid at every process start. Wasmtime.Dotnet keeps the setter internal (async is unsupported), so it
    // is called by name; if a later version drops it, the engine is just slower to create.
    internal static readonly MethodInfo? MaxStacksSetter =
        typeof(PoolingAllocationConfig).GetMethod("WithMaxStacks", BindingFlags.NonPublic | BindingFlags.Instance, [typeof(uint)]);

    private static void WithoutAsyncStacks(PoolingAllocationConfig pool) => MaxStacksSetter?.Invoke(pool, [1u]);

    public void Dispose()
    {
        Trampoline.Dispose();
        Linker.Dispose();
        WasiLinker.Dispose();
        Engine.Dispose();
    }
}
