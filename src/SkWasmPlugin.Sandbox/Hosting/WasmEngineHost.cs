using Microsoft.Extensions.Logging;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// The process-wide Wasmtime engine with fuel metering and epoch interruption, the epoch ticker that
/// drives deadlines, cancellation and output caps, and the linker with WASI (plus our interruptible sleep).
/// </summary>
internal sealed class WasmEngineHost : IDisposable
{
    private readonly Thread _ticker;
    private readonly CancellationTokenSource _stopping = new();

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
        int stack = options.WasmStackBytes;
        using var config = new Config()
            .WithFuelConsumption(true)
            .WithEpochInterruption(true)
            .WithMaximumStackSize(stack)
            .WithOptimizationLevel(OptimizationLevel.Speed)
            .WithMemoryInitCopyOnWrite(true)
            .WithParallelCompilation(true);
        if (options.UsePoolingAllocator)
        {
            // Each guest instance is the runtime plus our small WASI trampoline: two core instances, one memory.
            using var pool = new PoolingAllocationConfig()
                .WithMaxMemorySize((nuint)options.MaxMemoryBytes)
                .WithMaxMemories((uint)options.MaxLiveInstances)
                .WithMaxCoreInstances((uint)options.MaxLiveInstances * 2)
                .WithMaxTables((uint)options.MaxLiveInstances * 2)
                .WithLinearMemoryKeepResidentBytes((nuint)options.PoolKeepResidentBytes)
                .WithMaxUnusedWarmSlots(16);
            config.WithPoolingAllocationStrategy(pool);
        }
        Engine = new Engine(config);
        Linker = new Linker(Engine) { AllowShadowing = true };
        Linker.DefineWasi();
        WasiOverrides.Define(Linker);
        WasiLinker = new Linker(Engine);
        WasiLinker.DefineWasi();
        Trampoline = Module.FromText(Engine, "skwasm-wasi-trampoline", TrampolineText);
        string? cacheDir = options.DisableModuleCache ? null : options.ModuleCachePath ?? DefaultCacheDirectory();
        Cache = new ModuleCache(cacheDir, $"fuel=1;epoch=1;stack={stack};opt=speed;cow=1;pool={(options.UsePoolingAllocator ? options.MaxMemoryBytes : 0)}", logger);
        // A dedicated thread rather than a pool timer: deadlines must keep ticking when the pool is busy.
        _ticker = new Thread(() =>
        {
            var token = _stopping.Token;
            while (!token.WaitHandle.WaitOne(options.EpochInterval)) Engine.IncrementEpoch();
        })
        { IsBackground = true, Name = "skwasm-epoch", Priority = ThreadPriority.AboveNormal };
        _ticker.Start();
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
        Linker.Dispose();
        WasiLinker.Dispose();
        Engine.Dispose();
    }
}
