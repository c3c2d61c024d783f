using Wasmtime;
using Module = Wasmtime.Module;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// A runtime's compiled code on one compiler's engines: the module for the stateless engine and, made on first use,
/// its copy for the session engine (both owned by their engines). Holds on the engines (<see cref="ReleaseHolds"/>)
/// keep them while it is the runtime's current code; each interpreter made from it holds its own engine.
/// </summary>
internal sealed class RuntimeCode
{
    private readonly Module _module;
    private readonly Lazy<WasmEngine> _sessions;
    private readonly Lazy<Module> _sessionModule;
    private readonly Action? _release;
    private int _released;

    private RuntimeCode(CompilerTier compiler, WasmEngine stateless, Func<WasmEngine> sessions, Module module, ModuleCache cache,
        string name, string wasmSha, Action? release)
    {
        Compiler = compiler;
        Stateless = stateless;
        _module = stateless.Own(module);
        _release = release;
        _sessions = new(sessions);
        // Only asked for when the session engine is another engine (ModuleFor).
        _sessionModule = new(() => _sessions.Value.Own(cache.LoadCopy(_sessions.Value.Engine, name, _module, wasmSha)));
    }

    /// <summary>Cranelift's code on the host's engines, which the host holds for its lifetime.</summary>
    public static RuntimeCode Optimized(WasmEngineHost host, string name, string wasmSha, Module module) =>
        new(CompilerTier.Optimizing, host.Stateless, () => host.Sessions, module, host.Cache, name, wasmSha, release: null);

    /// <summary>Winch's code on the baseline engines, whose holds <see cref="ReleaseHolds"/> gives back.</summary>
    public static RuntimeCode OnBaseline(WasmEngineHost host, WasmEngineHost.BaselineEngines engines, string name, string wasmSha, Module module) =>
        new(CompilerTier.Baseline, engines.Stateless, () => engines.Sessions, module, host.BaselineCache, name, wasmSha, engines.Release);

    /// <summary>Cranelift on the calling thread only (an engine of its own, not pooled), then the code for the host's stateless engine.</summary>
    public static Module CompileOptimizedOnThisThread(WasmEngineHost host, string name, string wasmPath)
    {
        using var config = EngineSettings.NewConfig(host.Options, CompilerTier.Optimizing, parallel: false)!;
        using var engine = new Engine(config);
        using var compiled = Module.FromBytes(engine, name, File.ReadAllBytes(wasmPath));
        return Module.Deserialize(host.Stateless.Engine, name, compiled.Serialize());
    }

    public CompilerTier Compiler { get; }
    public WasmEngine Stateless { get; }
    public WasmEngine Sessions => _sessions.Value;

    /// <summary>The module for <paramref name="engine"/>, one of this code's two (the same engine when sessions take pool slots).</summary>
    public Module ModuleFor(WasmEngine engine) => ReferenceEquals(engine, Stateless) ? _module : _sessionModule.Value;

    /// <summary>Gives up the engines once new interpreters no longer use this code; live interpreters hold them on.</summary>
    public void ReleaseHolds()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) _release?.Invoke();
    }
}
