using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class ExecutionTests(SandboxFixture fixture)
{
    private readonly WasmCodeSandbox _sandbox = fixture.Sandbox;

    private Task<ExecutionResult> Run(Language language, string code, string? stdin = null, ExecutionLimits? limits = null, string? session = null) =>
        _sandbox.ExecuteAsync(new ExecutionRequest(language, code) { Stdin = stdin, Limits = limits, SessionId = session });

    [Fact]
    public async Task Guest_calls_beyond_the_concurrency_limit_wait_for_a_place_and_can_be_cancelled_while_waiting()
    {
        string root = Path.Combine(Path.GetTempPath(), "skwasm-limit-" + Guid.NewGuid().ToString("N"));
        var options = SandboxFixture.CreateOptions(root);
        options.MaxConcurrentExecutions = 1;
        await using (var sandbox = new WasmCodeSandbox(options))
        {
            var busy = sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "import time\ntime.sleep(1.5)\nprint('slept')"));
            await Task.Delay(200);
            using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "print(1)"), impatient.Token));
            var next = sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "print('after')"));
            Assert.Equal("slept\n", (await busy).Stdout);
            Assert.Equal("after\n", (await next).Stdout);
        }
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Python_print_reaches_stdout()
    {
        var r = await Run(Language.Python, "print(2 + 2)");
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        Assert.Equal("4\n", r.Stdout);
        Assert.Equal(0, r.ExitCode);
        Assert.True(r.FuelConsumed > 0);
        Assert.Null(r.Guidance);
        Assert.Equal(FuelStatus.Efficient, r.FuelAnalysis!.Status);
    }

    [Fact]
    public async Task Python_reads_stdin()
    {
        var r = await Run(Language.Python, "import sys\nprint(sys.stdin.read().upper(), end='')\n", stdin: "hello\nworld\n");
        Assert.Equal("HELLO\nWORLD\n", r.Stdout);
        var r2 = await Run(Language.Python, "print(input() + '!')", stdin: "abc\n");
        Assert.Equal("abc!\n", r2.Stdout);
    }

    [Fact]
    public async Task Python_error_is_a_result_with_guidance()
    {
        var r = await Run(Language.Python, "count = 1\nprint(cout)\n");
        Assert.Equal(ExecutionOutcome.Error, r.Outcome);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("NameError", r.Stderr);
        Assert.Equal("NameError", r.Guidance!.ErrorType);
        Assert.Equal(2, r.Guidance.Line);
        Assert.Equal("print(cout)", r.Guidance.SourceLine);
        Assert.Contains("'count'", r.Guidance.Fix);
    }

    [Fact]
    public async Task Busy_loop_exhausts_fuel_with_the_line()
    {
        // A budget that lasts many epoch ticks, so the soft stop (which reports the line) has time to act.
        var r = await Run(Language.Python, "x = 0\nwhile True:\n    x += 1\n", limits: new ExecutionLimits { Fuel = 500_000_000 });
        Assert.Equal(ExecutionOutcome.FuelExhausted, r.Outcome);
        Assert.Equal("OutOfFuel", r.Guidance!.ErrorType);
        Assert.InRange(r.Guidance.Line ?? 0, 2, 3);
        Assert.Equal(FuelStatus.Exhausted, r.FuelAnalysis!.Status);
        Assert.Equal(1_000_000_000, r.FuelAnalysis.SuggestedBudget);
    }

    [Fact]
    public async Task Sleep_times_out_within_a_second_of_the_limit()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var r = await Run(Language.Python, "import time\ntime.sleep(10**9)\n", limits: new ExecutionLimits { Timeout = TimeSpan.FromSeconds(1) });
        Assert.Equal(ExecutionOutcome.TimedOut, r.Outcome);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"took {sw.Elapsed}");
        Assert.Equal("Timeout", r.Guidance!.ErrorType);
        Assert.Equal(2, r.Guidance.Line);
    }

    [Theory]
    [InlineData(Language.Python, "leaked = 42\nopen('left.txt', 'w').write('x')", "import os\nprint('leaked' in globals(), os.listdir('.'))", "False []\n")]
    [InlineData(Language.JavaScript, "var leaked = 42; globalThis.also = 1; Object.prototype.polluted = 1; require('fs').writeFileSync('left.txt', 'x');",
        "console.log(typeof leaked, typeof also, ({}).polluted, JSON.stringify(require('fs').readdirSync('.')))", "undefined undefined undefined []\n")]
    public async Task Stateless_calls_never_see_each_other(Language language, string first, string second, string expected)
    {
        Assert.True((await Run(language, first)).IsSuccess);
        var r = await Run(language, second);
        Assert.Equal(expected, r.Stdout);
    }

    [Fact]
    public async Task A_small_budget_is_not_stopped_while_the_program_sleeps()
    {
        var r = await Run(Language.Python, "import time\ntime.sleep(0.05)\nprint('done')", limits: new ExecutionLimits { Fuel = 5_000_000 });
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        Assert.Equal("done\n", r.Stdout);
    }
}
