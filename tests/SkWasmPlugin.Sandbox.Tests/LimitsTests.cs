using System.Diagnostics;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class LimitsTests(SandboxFixture fixture)
{
    private Task<ExecutionResult> Run(Language language, string code, ExecutionLimits? limits = null, string? stdin = null, CancellationToken ct = default) =>
        fixture.Sandbox.ExecuteAsync(new ExecutionRequest(language, code) { Limits = limits, Stdin = stdin }, ct);

    [Fact]
    public async Task JavaScript_prints_and_reads_stdin()
    {
        var r = await Run(Language.JavaScript, "console.log('sum', [1, 2, 3].reduce((a, b) => a + b));\nconsole.log(readStdin().toUpperCase().trim());", stdin: "shout\n");
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        Assert.Equal("sum 6\nSHOUT\n", r.Stdout);
    }

    [Fact]
    public async Task JavaScript_busy_loop_exhausts_fuel()
    {
        var r = await Run(Language.JavaScript, "let i = 0;\nwhile (true) {\n  i++;\n}", new ExecutionLimits { Fuel = 500_000_000 });
        Assert.Equal(ExecutionOutcome.FuelExhausted, r.Outcome);
        Assert.Equal("OutOfFuel", r.Guidance!.ErrorType);
        Assert.InRange(r.Guidance.Line ?? 0, 2, 3); // the loop that was running, not the program's first line
        Assert.Contains("interrupted", r.Stderr); // a soft stop, not a trap
        Assert.Equal(FuelStatus.Exhausted, r.FuelAnalysis!.Status);
        Assert.Contains("line", r.FuelAnalysis.Advice);
    }

    [Fact]
    public async Task JavaScript_stopped_by_time_names_the_running_line_inside_a_function()
    {
        var r = await Run(Language.JavaScript, "const o = {v: 0};\nfunction spin() {\n  for (;;) {\n    o.v = Math.sqrt(o.v + 1);\n  }\n}\nspin();",
            new ExecutionLimits { Timeout = TimeSpan.FromMilliseconds(300) });
        Assert.Equal(ExecutionOutcome.TimedOut, r.Outcome);
        Assert.InRange(r.Guidance!.Line ?? 0, 3, 4);
        Assert.Contains("spin", r.Stderr);
    }

    [Theory]
    [InlineData(Language.Python, "data = bytearray(1024 ** 3)\nprint(len(data))")]
    [InlineData(Language.JavaScript, "const a = new Uint8Array(1024 * 1024 * 1024);\nconsole.log(a.length);")]
    public async Task Allocating_a_gigabyte_hits_the_memory_limit(Language language, string code)
    {
        var r = await Run(language, code, new ExecutionLimits { MemoryBytes = 128L * 1024 * 1024 });
        Assert.Equal(ExecutionOutcome.MemoryExhausted, r.Outcome);
        Assert.Equal("MemoryExhausted", r.Guidance!.ErrorType);
        Assert.Contains("128 MB", r.Guidance.Fix);
    }

    [Theory]
    [InlineData(Language.Python, "import sys\nchunk = 'x' * 1_000_000\nfor _ in range(10):\n    sys.stdout.write(chunk)\nprint('done')")]
    [InlineData(Language.JavaScript, "const chunk = 'x'.repeat(1000000);\nfor (let i = 0; i < 10; i++) console.log(chunk);\nconsole.log('done');")]
    public async Task Ten_megabytes_of_output_are_truncated_at_the_cap(Language language, string code)
    {
        long before = GC.GetTotalMemory(true);
        var r = await Run(language, code, new ExecutionLimits { MaxStdoutBytes = 2 * 1024 * 1024 });
        Assert.Equal(ExecutionOutcome.OutputLimitExceeded, r.Outcome);
        Assert.True(r.StdoutTruncated);
        Assert.True(r.Stdout.Length <= 2 * 1024 * 1024, $"kept {r.Stdout.Length} chars");
        Assert.DoesNotContain("done", r.Stdout);
        Assert.Equal("OutputLimit", r.Guidance!.ErrorType);
        long growth = GC.GetTotalMemory(false) - before;
        Assert.True(growth < 64L * 1024 * 1024, $"host memory grew by {growth:N0} bytes");
    }

    [Fact]
    public async Task Twenty_parallel_executions_give_twenty_correct_unmixed_results()
    {
        var tasks = Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? Run(Language.Python, $"import sys\nfor _ in range(50):\n    print({i})\nprint(sys.stdin.read())", stdin: $"in-{i}")
            : Run(Language.JavaScript, $"for (let k = 0; k < 50; k++) console.log({i});\nconsole.log(readStdin());", stdin: $"in-{i}")).ToArray();
        var results = await Task.WhenAll(tasks);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(ExecutionOutcome.Success, results[i].Outcome);
            var lines = results[i].Stdout.TrimEnd('\n').Split('\n');
            Assert.Equal(51, lines.Length);
            Assert.All(lines.Take(50), l => Assert.Equal(i.ToString(), l));
            Assert.Equal($"in-{i}", lines[50]);
        }
    }

    [Theory]
    [InlineData(Language.Python, "while True:\n    pass")]
    [InlineData(Language.JavaScript, "for (;;) {}")]
    public async Task A_cancelled_token_stops_a_busy_loop_promptly(Language language, string code)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var sw = Stopwatch.StartNew();
        var r = await Run(language, code, new ExecutionLimits { Fuel = 50_000_000_000, Timeout = TimeSpan.FromMinutes(1) }, ct: cts.Token);
        Assert.Equal(ExecutionOutcome.Cancelled, r.Outcome);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"took {sw.Elapsed}");
    }

    [Fact]
    public async Task JavaScript_timeout_is_enforced()
    {
        var sw = Stopwatch.StartNew();
        var r = await Run(Language.JavaScript, "while (true) {}", new ExecutionLimits { Fuel = 50_000_000_000, Timeout = TimeSpan.FromMilliseconds(500) });
        Assert.Equal(ExecutionOutcome.TimedOut, r.Outcome);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1.5), $"took {sw.Elapsed}");
    }

    [Fact]
    public async Task Bad_requests_get_clear_errors()
    {
        var sandbox = fixture.Sandbox;
        await Assert.ThrowsAsync<ArgumentNullException>(() => sandbox.ExecuteAsync(null!));
        Assert.Contains("required", (await Assert.ThrowsAsync<ArgumentException>(() => sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, null!)))).Message);
        Assert.Contains("empty", (await Assert.ThrowsAsync<ArgumentException>(() => sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "  \n")))).Message);
        Assert.Contains("Unknown language", (await Assert.ThrowsAsync<ArgumentException>(() => sandbox.ExecuteAsync(new ExecutionRequest((Language)7, "x")))).Message);
        Assert.Contains("limit is", (await Assert.ThrowsAsync<ArgumentException>(() => sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, new string('#', 2 * 1024 * 1024))))).Message);
        Assert.Contains("fuel", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "1") { Limits = new() { Fuel = -5 } }))).Message);
        Assert.Contains("timeout", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "1") { Limits = new() { Timeout = TimeSpan.FromSeconds(-1) } }))).Message);
        Assert.Contains("memory", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "1") { Limits = new() { MemoryBytes = 64L * 1024 * 1024 * 1024 } }))).Message);
        Assert.Contains("Invalid session id", (await Assert.ThrowsAsync<ArgumentException>(() => sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "1") { SessionId = "../etc" }))).Message);
        Assert.Throws<ArgumentException>(() => Languages.Parse("cobol"));
    }

    [Fact]
    public void Invalid_options_are_refused_at_start()
    {
        var ex = Assert.Throws<ArgumentException>(() => new WasmCodeSandbox(new SandboxOptions { DefaultFuel = 10, MaxFuel = 5 }));
        Assert.Contains("DefaultFuel", ex.Message);
        Assert.Throws<DirectoryNotFoundException>(() => new WasmCodeSandbox(new SandboxOptions { RuntimesPath = "/nonexistent/runtimes" }));
    }

    [Fact]
    public async Task The_module_cache_is_used_on_the_second_engine_start()
    {
        string root = Path.Combine(fixture.Root, "cache-test");
        var options = SandboxFixture.CreateOptions(root);
        options.ModuleCachePath = Path.Combine(root, "modules");
        await using (var first = new WasmCodeSandbox(options))
        {
            first.Warmup(Language.JavaScript);
            Assert.Equal(1, first.GetStatistics().ModuleCacheMisses);
            Assert.Equal(0, first.GetStatistics().ModuleCacheHits);
        }
        Assert.Single(Directory.GetFiles(options.ModuleCachePath, "javascript-*.cwasm"));
        Assert.Single(Directory.GetFiles(options.ModuleCachePath, "skwasm-wasi-trampoline-*.cwasm")); // compiling even that costs milliseconds
        await using var second = new WasmCodeSandbox(options);
        var r = await second.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log(7)"));
        Assert.Equal("7\n", r.Stdout);
        Assert.Equal(1, second.GetStatistics().ModuleCacheHits);
        Assert.Equal(0, second.GetStatistics().ModuleCacheMisses);
    }
}
