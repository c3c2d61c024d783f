using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace SkWasmPlugin.Security.Tests;

/// <summary>
/// 200 sessions used concurrently (8 at a time), each with its own secret in a file and a variable: no session
/// may see another's; after destroying all, memory, handles and the session store are back near the start.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class ConcurrencyTests(ITestOutputHelper output) : IDisposable
{
    private const int Sessions = 200;
    private const int Parallelism = 8;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "skwasm-concurrency-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => SecurityFixture.TryDelete(_root);

    private sealed record Measure(long Managed, long Committed, long WorkingSet, int Handles, int Threads)
    {
        public static Measure Now()
        {
            // Aggressive: the GC also gives its free regions back to the OS, else the working set measures
            // what the GC keeps for later (gigabytes after 200 sessions' checkpoints), not what is alive.
            for (int i = 0; i < 3; i++)
            {
                System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
            }
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            return new Measure(GC.GetTotalMemory(forceFullCollection: true), GC.GetGCMemoryInfo().TotalCommittedBytes, process.WorkingSet64, process.HandleCount, process.Threads.Count);
        }

        public override string ToString() =>
            $"managed {Managed / 1048576.0:0.0} MB (GC committed {Committed / 1048576.0:0.0} MB), working set {WorkingSet / 1048576.0:0.0} MB, handles {Handles}, threads {Threads}";
    }

    /// <summary>The sessions' isolation and the host's clean-up with every instance on plain mappings (pooling off).</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public Task Two_hundred_concurrent_sessions_never_see_each_other_and_leave_nothing_behind() => TwoBursts(pooling: false);

    /// <summary>
    /// The same with the defaults: the pool serves stateless calls, and session interpreters, on their own
    /// mappings, give their memory back when destroyed (before session interpreters left the pool, every slot
    /// ever used kept 16 MB resident: +3.2 GB after 200 sessions).
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public Task Two_hundred_concurrent_sessions_with_the_default_pooling_allocator_leave_nothing_behind() => TwoBursts(pooling: true);

    private async Task TwoBursts(bool pooling)
    {
        var options = SecurityFixture.CreateOptions(_root);
        options.UsePoolingAllocator = pooling;
        await using var sandbox = new WasmCodeSandbox(options);
        output.WriteLine($"pooling allocator: {(pooling ? "on" : "off")}");
        sandbox.Warmup(Language.Python);
        string storage = Path.Combine(_root, "sessions");

        // Warm the code paths once, so the baseline includes what any first use allocates for good.
        for (int i = 0; i < 2; i++) await UseOneSession(sandbox, FreshSecret(), new ConcurrentBag<string>());
        var baseline = Measure.Now();
        output.WriteLine("baseline:           " + baseline);

        var problems = new ConcurrentBag<string>();
        var afterFirst = await Burst(sandbox, problems, "first burst");
        // A second burst reuses the pool's slots: whatever the first left behind must not grow again.
        var afterSecond = await Burst(sandbox, problems, "second burst");

        output.WriteLine($"growth after the first burst:  {Growth(baseline, afterFirst)}");
        output.WriteLine($"growth after the second burst: {Growth(afterFirst, afterSecond)} (relative to the first)");
        foreach (string p in problems.Take(20)) output.WriteLine("PROBLEM: " + p);

        Assert.Empty(problems); // zero cross-reads, every value read back
        Assert.Empty(Directory.EnumerateFileSystemEntries(storage)); // no session folders remain
        Assert.Empty(await sandbox.Sessions.ListAsync());
        Assert.True(afterSecond.Managed - baseline.Managed < 64L * 1024 * 1024, "managed memory did not come back");
        Assert.True(afterSecond.Handles - baseline.Handles < 200, "handles leaked");
        Assert.True(afterSecond.WorkingSet - afterFirst.WorkingSet < 300L * 1024 * 1024, "the working set grows with every burst: a leak");
        Assert.True(afterFirst.WorkingSet - baseline.WorkingSet < 300L * 1024 * 1024, "working set did not come back");
    }

    private async Task<Measure> Burst(WasmCodeSandbox sandbox, ConcurrentBag<string> problems, string name)
    {
        var secrets = Enumerable.Range(0, Sessions).Select(_ => FreshSecret()).ToArray();
        var ids = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(Parallelism);
        await Task.WhenAll(secrets.Select(async secret =>
        {
            await gate.WaitAsync();
            try
            {
                ids.Add(await UseOneSession(sandbox, secret, problems, destroy: false, others: secrets));
            }
            finally
            {
                gate.Release();
            }
        }));
        var used = clock.Elapsed;
        using (var p = Process.GetCurrentProcess())
            output.WriteLine($"{name}: {Sessions} sessions used in {used.TotalSeconds:0.0} s ({Parallelism} at a time); all live: working set {p.WorkingSet64 / 1048576.0:0} MB, handles {p.HandleCount}");
        clock.Restart();
        await Task.WhenAll(ids.Select(async id =>
        {
            if (!await sandbox.Sessions.DestroyAsync(id)) problems.Add($"{id}: destroy returned false");
        }));
        var after = Measure.Now();
        output.WriteLine($"{name}: destroyed in {clock.Elapsed.TotalSeconds:0.0} s; then {after}");
        return after;
    }

    private static string Growth(Measure from, Measure to) =>
        $"managed {(to.Managed - from.Managed) / 1048576.0:+0.0;-0.0} MB, working set {(to.WorkingSet - from.WorkingSet) / 1048576.0:+0.0;-0.0} MB, " +
        $"handles {to.Handles - from.Handles:+0;-0}, threads {to.Threads - from.Threads:+0;-0}";

    private static string FreshSecret() => SecurityFixture.Secret("conc");

    private static async Task<string> UseOneSession(WasmCodeSandbox sandbox, string secret, ConcurrentBag<string> problems, bool destroy = true, string[]? others = null)
    {
        var session = await sandbox.Sessions.CreateAsync();
        string id = session.Id;
        var write = await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python,
            $"secret = '{secret}'\nopen('secret.txt', 'w').write(secret)\nprint('ok')") { SessionId = id });
        if (write.Stdout != "ok\n") problems.Add($"{id}: write failed: {write.Outcome} {write.Stderr}");
        var read = await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python,
            "import os\nprint(secret)\nprint(open('secret.txt').read())\nprint(sorted(os.listdir('.')))") { SessionId = id });
        string expected = $"{secret}\n{secret}\n['secret.txt']\n";
        if (read.Stdout != expected) problems.Add($"{id}: read back {read.Outcome} '{read.Stdout.Trim()}' {read.Stderr.Trim()}");
        byte[] file = await sandbox.Sessions.ReadFileAsync(id, "secret.txt");
        if (Encoding.UTF8.GetString(file) != secret) problems.Add($"{id}: host read of secret.txt gave another value");
        if (others is not null)
            foreach (string other in others)
                if (other != secret && (read.Stdout.Contains(other, StringComparison.Ordinal) || Encoding.UTF8.GetString(file).Contains(other, StringComparison.Ordinal)))
                    problems.Add($"{id}: CROSS-READ of another session's secret");
        if (destroy) await sandbox.Sessions.DestroyAsync(id);
        return id;
    }
}
