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

    private int _guestOpenFiles;

    /// <summary>Takes one descriptor from the process-wide budget; false when it is spent.</summary>
    internal bool TryTakeGuestFile()
    {
        if (Interlocked.Increment(ref _guestOpenFiles) <= MaxGuestOpenFiles) return true;
        Interlocked.Decrement(ref _guestOpenFiles);
        return false;
    }

    internal void ReturnGuestFiles(int count) => Interlocked.Add(ref _guestOpenFiles, -count);
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

    private static string DefaultCacheDirectory()
    {
        string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        if (string.IsNullOrEmpty(root)) root = Path.GetTempPath();
        return Path.Combine(root, "skwasm", "modules");
    }

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

    private const string TrampolineText = """
        (module
          (import "env" "memory" (memory 0))
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_pwrite" (func $fd_pwrite (param i32 i32 i32 i64 i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_filestat_set_size" (func $set_size (param i32 i64) (result i32)))
          (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_renumber" (func $fd_renumber (param i32 i32) (result i32)))
          (export "memory" (memory 0))
          (func (export "fd_write") (param i32 i32 i32 i32) (result i32)
            local.get 0 local.get 1 local.get 2 local.get 3 call $fd_write)
          (func (export "fd_pwrite") (param i32 i32 i32 i64 i32) (result i32)
            local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 call $fd_pwrite)
          (func (export "path_open") (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)
            local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 local.get 5 local.get 6 local.get 7 local.get 8 call $path_open)
          (func (export "path_create_directory") (param i32 i32 i32) (result i32)
            local.get 0 local.get 1 local.get 2 call $mkdir)
          (func (export "fd_seek") (param i32 i64 i32 i32) (result i32)
            local.get 0 local.get 1 local.get 2 local.get 3 call $fd_seek)
          (func (export "fd_filestat_set_size") (param i32 i64) (result i32)
            local.get 0 local.get 1 call $set_size)
          (func (export "fd_close") (param i32) (result i32)
            local.get 0 call $fd_close)
          (func (export "fd_renumber") (param i32 i32) (result i32)
            local.get 0 local.get 1 call $fd_renumber))
        """;

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
        Trampoline = cache.LoadText(Engine, "skwasm-wasi-trampoline", TrampolineText);
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
