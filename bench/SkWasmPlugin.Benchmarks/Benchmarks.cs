using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Benchmarks;

/// <summary>Short in-process jobs: the runtimes start once per process and a whole run stays within minutes.</summary>
internal static class BenchConfig
{
    public static IConfig Short() => ManualConfig.CreateMinimumViable()
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortInProcess"))
        .AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Max)
        .WithOptions(ConfigOptions.DisableOptimizationsValidator)
        .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "skwasm-bench-artifacts"));
}

/// <summary>The sandbox cases through the public API (BenchmarkDotNet reports means; `compare` reports p50/p99).</summary>
public class SandboxBenchmarks
{
    private string _root = "";
    private WasmCodeSandbox _sandbox = null!;
    private ExecutionRequest _warmPy = null!, _warmJs = null!, _trap = null!, _afterTrap = null!;
    private readonly ExecutionRequest _freshPy = new(Language.Python, SandboxCases.PythonCode);
    private readonly ExecutionRequest _freshJs = new(Language.JavaScript, SandboxCases.JsCode);

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _root = Paths.NewTempDir("skwasm-bdn");
        _sandbox = new WasmCodeSandbox(SandboxCases.Options(_root, Paths.PersistentModuleCache()));
        _sandbox.Warmup();
        var py = await _sandbox.Sessions.CreateAsync(new SessionOptions { Language = Language.Python });
        var js = await _sandbox.Sessions.CreateAsync(new SessionOptions { Language = Language.JavaScript });
        var rec = await _sandbox.Sessions.CreateAsync(new SessionOptions { Language = Language.Python });
        _warmPy = new ExecutionRequest(Language.Python, SandboxCases.PythonCode) { SessionId = py.Id };
        _warmJs = new ExecutionRequest(Language.JavaScript, SandboxCases.JsCode) { SessionId = js.Id };
        SandboxCases.Check(await _sandbox.ExecuteAsync(_warmPy));
        SandboxCases.Check(await _sandbox.ExecuteAsync(_warmJs));
        SandboxCases.Check(await _sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "x = 41") { SessionId = rec.Id }), "");
        await Task.Delay(200);
        _trap = new ExecutionRequest(Language.Python, SandboxCases.TrapPython) { SessionId = rec.Id, Limits = new ExecutionLimits { Fuel = SandboxCases.TrapFuel } };
        _afterTrap = new ExecutionRequest(Language.Python, "print(x + 1)") { SessionId = rec.Id };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sandbox.Dispose();
        Paths.TryDelete(_root);
    }

    [Benchmark(Description = "warm session python print(2+2)")]
    public Task<ExecutionResult> WarmPython() => _sandbox.ExecuteAsync(_warmPy);

    [Benchmark(Description = "warm session js console.log(2+2)")]
    public Task<ExecutionResult> WarmJavaScript() => _sandbox.ExecuteAsync(_warmJs);

    [Benchmark(Description = "fresh stateless python")]
    public Task<ExecutionResult> FreshPython() => _sandbox.ExecuteAsync(_freshPy);

    [Benchmark(Description = "fresh stateless js")]
    public Task<ExecutionResult> FreshJavaScript() => _sandbox.ExecuteAsync(_freshJs);

    /// <summary>
    /// A call that runs out of fuel (usually an OutOfFuel trap, after which the sandbox restores the checkpoint inside
    /// the call; sometimes a soft stop instead, see bench/RESULTS.md), then the next call, which must see the state.
    /// </summary>
    [Benchmark(Description = "recovery python: fuel-out call, next call")]
    public async Task<ExecutionResult> RecoveryPython()
    {
        var stopped = await _sandbox.ExecuteAsync(_trap);
        if (stopped.Outcome == ExecutionOutcome.Success) throw new InvalidOperationException("the endless loop succeeded");
        var next = await _sandbox.ExecuteAsync(_afterTrap);
        SandboxCases.Check(next, "42\n");
        return next;
    }
}

/// <summary>One CPU-bound Python loop per op on a fuel+epoch engine against an epoch-only engine (Wasmtime directly).</summary>
public class FuelBenchmarks
{
    private string _app = "";
    private DirectEngine _fuel = null!, _epoch = null!;
    private Wasmtime.Module _fuelModule = null!, _epochModule = null!;
    private DirectGuest _withFuel = null!, _epochOnly = null!;

    [GlobalSetup]
    public void Setup()
    {
        _app = Paths.NewTempDir("skwasm-bdn-app");
        string cache = Paths.PersistentModuleCache();
        _fuel = new DirectEngine(fuel: true, pooling: false);
        _epoch = new DirectEngine(fuel: false, pooling: false);
        _fuelModule = _fuel.Load(Paths.PythonWasm, cache, false);
        _epochModule = _epoch.Load(Paths.PythonWasm, cache, false);
        _withFuel = new DirectGuest(_fuel, _fuelModule, true, _app);
        _epochOnly = new DirectGuest(_epoch, _epochModule, true, _app);
        _withFuel.Start();
        _epochOnly.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _withFuel.Dispose();
        _epochOnly.Dispose();
        _fuelModule.Dispose();
        _epochModule.Dispose();
        _fuel.Dispose();
        _epoch.Dispose();
        Paths.TryDelete(_app);
    }

    [Benchmark(Baseline = true, Description = "python CPU loop, epoch only")]
    public int EpochOnly() => _epochOnly.Exec(DirectCases.PythonLoop);

    [Benchmark(Description = "python CPU loop, fuel + epoch")]
    public int FuelAndEpoch() => _withFuel.Exec(DirectCases.PythonLoop);
}
