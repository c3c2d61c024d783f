using Microsoft.Extensions.Logging;
using Wasmtime;
using Module = Wasmtime.Module;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// One Wasmtime engine with its linkers and our WASI trampoline module. Held by whoever makes interpreters on it
/// (<see cref="TryAcquire"/>; its creator holds it first): a baseline compiler's engine goes, with the modules it
/// owns, once the runtimes have moved to optimized code and its last interpreter is gone.
/// </summary>
internal sealed class WasmEngine : IDisposable
{
    public Engine Engine { get; }

    /// <summary>The compiler of the code this engine runs.</summary>
    public CompilerTier Compiler { get; }
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
            text.Append($"  (func (export \"{name}\") (param {parameters}) (result i32)");
            for (int i = 0, count = parameters.Split(' ').Length; i < count; i++) text.Append(" local.get ").Append(i);
            text.Append($" call ${name})\n");
        }
        return text.Append(')').ToString();
    }

    private HoldCount _holds = new();
    private int _disposed;
    private readonly List<IDisposable> _owned = [];

    /// <summary>Called once, when the last hold is released, before the engine is disposed.</summary>
    public Action<WasmEngine>? Released { get; init; }

    /// <summary>One more hold on the engine; false when it has already gone (its holds reached zero).</summary>
    public bool TryAcquire() => _holds.TryAcquire();

    /// <summary>Releases a hold; the last one disposes the engine and what it owns.</summary>
    public void Release()
    {
        if (!_holds.Release()) return;
        Released?.Invoke(this);
        Dispose();
    }

    /// <summary>A module compiled for this engine, disposed with it.</summary>
    public Module Own(Module module)
    {
        lock (_owned) _owned.Add(module);
        return module;
    }

    /// <summary>An engine whose code comes from <paramref name="compiler"/>; null when Wasmtime for .NET cannot select it.</summary>
    public static WasmEngine? TryCreate(SandboxOptions options, bool pooled, ModuleCache cache, CompilerTier compiler, Action<WasmEngine>? released = null)
    {
        var config = EngineSettings.NewConfig(options, compiler);
        return config is null ? null : new WasmEngine(options, pooled, cache, config, compiler) { Released = released };
    }

    public WasmEngine(SandboxOptions options, bool pooled, ModuleCache cache)
        : this(options, pooled, cache, EngineSettings.NewConfig(options)!, CompilerTier.Optimizing)
    {
    }

    private WasmEngine(SandboxOptions options, bool pooled, ModuleCache cache, Config ownedConfig, CompilerTier compiler)
    {
        Pooled = pooled;
        Compiler = compiler;
        using var config = ownedConfig;
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
            // The pool also reserves Wasmtime's default 1000 async fiber stacks, which the .NET API never uses: about
            // 3 ms once per engine (bench/RESULTS.md). Wasmtime for .NET has no public option to lower it, and this
            // library reaches into another library's non-public members only where that pays far more (WasmtimeCompiler:
            // seconds of every cold start), so these 3 ms are paid.
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

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        lock (_owned)
            foreach (var owned in _owned) owned.Dispose();
        Trampoline.Dispose();
        Linker.Dispose();
        WasiLinker.Dispose();
        Engine.Dispose();
    }
}
