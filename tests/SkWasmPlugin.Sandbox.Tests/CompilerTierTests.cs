using SkWasmPlugin.Sandbox;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>
/// A runtime whose optimized code is not in the module cache starts on code from Wasmtime's baseline compiler (Winch)
/// and moves to the optimized code (Cranelift) once the background compile is in (SandboxOptions.BaselineCompilerWhileCold):
/// the answers, the limits and the sessions must not see the difference, and the baseline code must go afterwards.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class CompilerTierTests(SandboxFixture fixture) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "skwasm-tier-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    /// <summary>A sandbox on an empty module cache of its own; its optimized compile waits for <paramref name="gate"/>.</summary>
    private SandboxOptions Cold(Task? gate, bool baseline = true)
    {
        var options = SandboxFixture.CreateOptions(_root);
        options.ModuleCachePath = Path.Combine(_root, "modules");
        options.BaselineCompilerWhileCold = baseline;
        options.OptimizedCompileGate = gate;
        return options;
    }

    private string[] CacheFiles(string pattern) => Directory.GetFiles(Path.Combine(_root, "modules"), pattern);

    [Fact]
    public void The_pinned_Wasmtime_lets_Winch_be_chosen_and_its_code_meters_fuel()
    {
        // Fails when an update of Wasmtime for .NET takes away what WasmtimeCompiler reaches for: cold starts would
        // then compile with Cranelift again (correct, but seconds slower), so the update must deal with it.
        using var config = EngineSettings.NewConfig(new SandboxOptions(), CompilerTier.Baseline);
        Assert.NotNull(config);
        EngineSettingsTests.AssertMetersFuel(config!);
        Assert.NotEqual(EngineSettings.CacheKey(new SandboxOptions()), EngineSettings.CacheKey(new SandboxOptions(), CompilerTier.Baseline));
    }

    [Fact]
    public async Task A_cold_runtime_answers_on_baseline_code_then_moves_to_optimized_code_and_drops_the_baseline()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var sandbox = new WasmCodeSandbox(Cold(gate.Task));
        var host = sandbox.Catalog.Host;

        var first = await sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log(6 * 7)"));
        Assert.Equal("42\n", first.Stdout);
        Assert.Equal("winch", sandbox.GetStatistics().Runtimes["javascript"].Compiler);
        Assert.Single(CacheFiles("baseline-javascript-*.cwasm"));
        Assert.Empty(CacheFiles("javascript-*.cwasm"));
        Assert.True(host.LiveEngines(CompilerTier.Baseline) > 0);

        // The limits hold on baseline code.
        var spin = await sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "while (true) {}") { Limits = new ExecutionLimits { Fuel = 2_000_000 } });
        Assert.Equal(ExecutionOutcome.FuelExhausted, spin.Outcome);
        var hog = await sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "const a = []; while (true) a.push(new Array(1e6).fill(1));")
        {
            Limits = new ExecutionLimits { MemoryBytes = 64L * 1024 * 1024, Fuel = 5_000_000_000 },
        });
        Assert.Equal(ExecutionOutcome.MemoryExhausted, hog.Outcome);

        var session = await sandbox.Sessions.CreateAsync();
        var set = await sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "var total = 40; total += 1; console.log(total)") { SessionId = session.Id });
        Assert.Equal("41\n", set.Stdout);

        gate.SetResult();
        await sandbox.WhenOptimizedAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal("cranelift", sandbox.GetStatistics().Runtimes["javascript"].Compiler);
        Assert.Single(CacheFiles("javascript-*.cwasm"));

        // Kept stateless interpreters on baseline code are not run again; the answers stay the same.
        for (int i = 0; i < 4; i++)
            Assert.Equal("42\n", (await sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log(6 * 7)"))).Stdout);
        // The session's interpreter, made on baseline code, goes on with its state.
        var next = await sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "total += 1; console.log(total)") { SessionId = session.Id });
        Assert.Equal("42\n", next.Stdout);

        // Once nothing runs on it, the baseline code and its engines go.
        Assert.True(await sandbox.Sessions.DestroyAsync(session.Id));
        for (int i = 0; i < 200 && host.LiveEngines(CompilerTier.Baseline) > 0; i++) await Task.Delay(25);
        Assert.Equal(0, host.LiveEngines(CompilerTier.Baseline));
        var after = await sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log(6 * 7)"));
        Assert.Equal("42\n", after.Stdout);

        // The next process finds the optimized code and starts on it.
        await using var warm = new WasmCodeSandbox(Cold(gate: null));
        warm.Warmup(Language.JavaScript);
        Assert.Equal("cranelift", warm.GetStatistics().Runtimes["javascript"].Compiler);
        Assert.Equal(0, warm.GetStatistics().ModuleCacheMisses);
        Assert.Equal(0, warm.Catalog.Host.LiveEngines(CompilerTier.Baseline));
    }

    [Fact]
    public async Task Python_on_baseline_code_answers_as_on_optimized_code()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await using var cold = new WasmCodeSandbox(Cold(gate.Task));
            string[] programs =
            [
                "import json, statistics\nprint(json.dumps({'mean': statistics.mean([1, 2, 3, 4]), 'sd': round(statistics.stdev([1, 2, 3, 4]), 6)}))",
                "import re, collections\nprint(collections.Counter(re.findall(r'[a-z]+', 'the cat and the hat and the bat')).most_common(2))",
                "from decimal import Decimal, getcontext\ngetcontext().prec = 40\nprint(Decimal(1) / Decimal(7))",
                "import sqlite3\nc = sqlite3.connect(':memory:')\nc.execute('create table t(x)')\nc.executemany('insert into t values (?)', [(i,) for i in range(1000)])\nprint(c.execute('select sum(x * x) from t').fetchone()[0])",
                "import hashlib, zlib\ndata = b'sandbox' * 1000\nprint(hashlib.sha256(data).hexdigest(), zlib.crc32(data), len(zlib.compress(data)))",
                "sum(i * i for i in range(10**5))",
                "def ratio(a, b):\n    return a / b\n\nratio(1, 0)",
            ];
            foreach (string code in programs)
            {
                var baseline = await cold.ExecuteAsync(new ExecutionRequest(Language.Python, code));
                var optimized = await fixture.Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code));
                Assert.Equal(optimized.Outcome, baseline.Outcome);
                Assert.Equal(optimized.Stdout, baseline.Stdout);
                Assert.Equal(optimized.Result, baseline.Result);
                Assert.Equal(optimized.Guidance?.ErrorType, baseline.Guidance?.ErrorType);
                Assert.Equal(optimized.Guidance?.Line, baseline.Guidance?.Line);
            }
            Assert.Equal("winch", cold.GetStatistics().Runtimes["python"].Compiler);
            var spin = await cold.ExecuteAsync(new ExecutionRequest(Language.Python, "while True:\n    pass") { Limits = new ExecutionLimits { Fuel = 5_000_000 } });
            Assert.Equal(ExecutionOutcome.FuelExhausted, spin.Outcome);
        }
        finally
        {
            gate.TrySetCanceled(); // after the sandbox is gone: its optimized compile never starts
        }
    }

    [Fact]
    public void Off_the_first_use_compiles_the_optimized_code_and_no_baseline_code_is_made()
    {
        using var sandbox = new WasmCodeSandbox(Cold(gate: null, baseline: false));
        sandbox.Warmup(Language.JavaScript);
        Assert.Equal("cranelift", sandbox.GetStatistics().Runtimes["javascript"].Compiler);
        Assert.True(sandbox.WhenOptimizedAsync().IsCompleted);
        Assert.Single(CacheFiles("javascript-*.cwasm"));
        Assert.Empty(CacheFiles("baseline-*.cwasm"));
        Assert.Equal(0, sandbox.Catalog.Host.LiveEngines(CompilerTier.Baseline));
    }
}
