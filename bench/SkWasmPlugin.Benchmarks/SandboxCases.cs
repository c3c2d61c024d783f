using System.Diagnostics;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Benchmarks;

/// <summary>The cases measured through the public API of <see cref="WasmCodeSandbox"/> (the workload itself: bench/Shared).</summary>
internal static partial class SandboxCases
{
    /// <summary>Times one call end to end (what a caller awaiting ExecuteAsync sees).</summary>
    public static async Task<(double Ms, ExecutionResult Result)> Time(WasmCodeSandbox sandbox, ExecutionRequest request)
    {
        long t = Stopwatch.GetTimestamp();
        var r = await sandbox.ExecuteAsync(request).ConfigureAwait(false);
        return (Stopwatch.GetElapsedTime(t).TotalMilliseconds, r);
    }

    /// <summary>2nd+ call of the tiny program in one session.</summary>
    public static async Task<(Summary Outer, Summary Inner, long Fuel, string Diagnosis)> Warm(WasmCodeSandbox sandbox, Language language, int warmup, int n)
    {
        var session = await sandbox.Sessions.CreateAsync(new SessionOptions { Language = language });
        try
        {
            var request = new ExecutionRequest(language, Code(language)) { SessionId = session.Id };
            for (int i = 0; i < warmup; i++) Check((await Time(sandbox, request)).Result);
            var outer = new List<double>(n);
            var inner = new List<double>(n);
            long fuel = 0;
            for (int i = 0; i < n; i++)
            {
                var (ms, r) = await Time(sandbox, request);
                Check(r);
                outer.Add(ms);
                inner.Add(r.Duration.TotalMilliseconds);
                fuel = r.FuelConsumed;
            }
            // Every MaxCallsBetweenCheckpoints-th (50th) call of a busy session takes its checkpoint synchronously.
            var every50 = outer.Where((_, i) => (warmup + i + 1) % 50 == 0).ToList();
            var others = outer.Where((_, i) => (warmup + i + 1) % 50 != 0).ToList();
            double p50 = Summary.Of(outer).P50;
            int slow = outer.Count(x => x > 5 * p50);
            int slowAt50 = outer.Where((x, i) => x > 5 * p50 && (warmup + i + 1) % 50 == 0).Count();
            string diagnosis = FormattableString.Invariant(
                $"every 50th call p50 {Summary.Of(every50).P50:0.###} ms vs other calls p50 {Summary.Of(others).P50:0.###} ms / p99 {Summary.Of(others).P99:0.###} ms; {slowAt50} of {slow} calls over 5x p50 are 50th calls");
            return (Summary.Of(outer), Summary.Of(inner), fuel, diagnosis);
        }
        finally
        {
            await sandbox.Sessions.DestroyAsync(session.Id);
        }
    }

    /// <summary>Stateless one-shot: a fresh isolated interpreter per call.</summary>
    public static async Task<Summary> Fresh(WasmCodeSandbox sandbox, Language language, int warmup, int n)
    {
        var request = new ExecutionRequest(language, Code(language));
        for (int i = 0; i < warmup; i++) Check((await Time(sandbox, request)).Result);
        var samples = new List<double>(n);
        for (int i = 0; i < n; i++)
        {
            var (ms, r) = await Time(sandbox, request);
            Check(r);
            samples.Add(ms);
        }
        return Summary.Of(samples);
    }

    public const string TrapPython = "while True: pass";
    public const string TrapJs = "while (true) {}";

    /// <summary>Fuel so small that the loop traps (OutOfFuel) before the first 5 ms epoch tick can ask for a soft stop.</summary>
    public const long TrapFuel = 1_000_000;

    /// <summary>
    /// A session with state (x = 41, checkpointed), then repeatedly: a call that traps on fuel (the sandbox drops the
    /// instance and restores the checkpoint inside that call), then the next call, which must see x again.
    /// </summary>
    public static async Task<(Summary Trapped, Summary Next, int Restored, int Attempts, string Outcomes)> Recovery(WasmCodeSandbox sandbox, Language language, int warmup, int n)
    {
        bool py = language == Language.Python;
        var session = await sandbox.Sessions.CreateAsync(new SessionOptions { Language = language });
        try
        {
            Check(await sandbox.ExecuteAsync(new ExecutionRequest(language, py ? "x = 41" : "var x = 41;") { SessionId = session.Id }), "");
            await Task.Delay(200); // past CheckpointDelay: the state above is now the session's last good checkpoint
            var trap = new ExecutionRequest(language, py ? TrapPython : TrapJs)
            {
                SessionId = session.Id,
                Limits = new ExecutionLimits { Fuel = TrapFuel },
            };
            var next = new ExecutionRequest(language, py ? "print(x + 1)" : "console.log(x + 1)") { SessionId = session.Id };
            var trapped = new List<double>(n);
            var after = new List<double>(n);
            var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
            int attempts = 0;
            // Only calls whose trapped instance was replaced (the restore path) are timed. A soft stop that the
            // interpreter takes instead (no trap, no restore), or one that lands outside the user's code, is counted.
            for (int i = 0; trapped.Count < n && i < warmup + 4 * n; i++)
            {
                var (tMs, t) = await Time(sandbox, trap);
                bool wasRestored = t.Notes.Count > 0; // the note is only added when the trapped instance was replaced
                string kind = t.Outcome == ExecutionOutcome.FuelExhausted
                    ? (wasRestored ? "OutOfFuel trap + restore" : "soft stop, no restore")
                    : $"{t.Outcome}{(t.Stderr.Contains("_skwasm", StringComparison.Ordinal) ? " (stop landed in the runner, not the user's code)" : "")}";
                var (nMs, r) = await Time(sandbox, next);
                Check(r, "42\n");
                if (i < warmup) continue;
                attempts++;
                outcomes[kind] = outcomes.GetValueOrDefault(kind) + 1;
                if (!wasRestored) continue;
                trapped.Add(tMs);
                after.Add(nMs);
            }
            if (trapped.Count == 0) throw new InvalidOperationException("No call took the trap + restore path: " + string.Join(", ", outcomes));
            return (Summary.Of(trapped), Summary.Of(after), trapped.Count, attempts, string.Join("; ", outcomes.Select(kv => $"{kv.Key}: {kv.Value}")));
        }
        finally
        {
            await sandbox.Sessions.DestroyAsync(session.Id);
        }
    }

    /// <summary>
    /// Session costs off the warm path: a new session's create + first call (with pauses, so the previous session's
    /// write-behind checkpoint is not timed), and FlushAsync right after a state-changing call (capture + compress + store).
    /// </summary>
    public static async Task<(Summary NewSession, Summary Flush, long CheckpointBytes)> SessionCosts(WasmCodeSandbox sandbox, Language language, int n, string storageRoot)
    {
        long stored = 0;
        string code = Code(language);
        string change = language == Language.Python ? "x = 1" : "var x = 1;";
        var create = new List<double>(n);
        var flush = new List<double>(n);
        for (int i = 0; i < n + 2; i++)
        {
            long t = Stopwatch.GetTimestamp();
            var s = await sandbox.Sessions.CreateAsync(new SessionOptions { Language = language });
            Check(await sandbox.ExecuteAsync(new ExecutionRequest(language, code) { SessionId = s.Id }));
            double createMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            await Task.Delay(100);
            Check(await sandbox.ExecuteAsync(new ExecutionRequest(language, change) { SessionId = s.Id }), "");
            t = Stopwatch.GetTimestamp();
            await sandbox.Sessions.FlushAsync();
            double flushMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            string stateDir = Path.Combine(storageRoot, s.Id, "state");
            if (Directory.Exists(stateDir)) stored = Directory.EnumerateFiles(stateDir).Sum(f => new FileInfo(f).Length);
            await sandbox.Sessions.DestroyAsync(s.Id);
            if (i < 2) continue;
            create.Add(createMs);
            flush.Add(flushMs);
        }
        return (Summary.Of(create), Summary.Of(flush), stored);
    }

    /// <summary>What the concurrency/memory case found.</summary>
    public sealed record ConcurrencyResult(
        int Sessions,
        ProcMemory Baseline,
        ProcMemory AfterCreate,
        ProcMemory AfterLoad,
        ProcMemory AfterDestroy,
        ProcMemory AfterRecreate,
        ProcMemory AfterDestroyAgain,
        ProcMemory AfterDestroyAgainIdle,
        Summary Latency,
        double PeakRssDuringLoadMb,
        double CallsPerSecond,
        double CreateMsPerSession,
        int LiveAfterCreate,
        int LiveAfterDestroy);

    /// <summary>
    /// After one unmeasured warm-up round of the same shape: N sessions made live (one call each), memory measured idle; then all N run <paramref name="callsEach"/> tiny calls
    /// concurrently (closed loop: each session issues its next call when the previous returns); then all are destroyed.
    /// </summary>
    public static async Task<ConcurrencyResult> Concurrency(string root, string cache, Language language, int sessions, int callsEach, Action<SandboxOptions>? configure = null)
    {
        var options = Options(root, cache);
        configure?.Invoke(options);
        await using var sandbox = new WasmCodeSandbox(options);
        sandbox.Warmup(language);
        string code = Code(language);
        async Task<List<string>> CreateLive(int n)
        {
            var created = new List<string>(n);
            for (int i = 0; i < n; i++)
            {
                var s = await sandbox.Sessions.CreateAsync(new SessionOptions { Language = language });
                created.Add(s.Id);
                Check(await sandbox.ExecuteAsync(new ExecutionRequest(language, code) { SessionId = s.Id }));
            }
            return created;
        }
        async Task<double> Load(List<string> live, int calls, double[]? latencies)
        {
            long started = Stopwatch.GetTimestamp();
            await Task.WhenAll(live.Select((id, k) => Task.Run(async () =>
            {
                var request = new ExecutionRequest(language, code) { SessionId = id };
                for (int c = 0; c < calls; c++)
                {
                    var (ms, r) = await Time(sandbox, request);
                    Check(r);
                    if (latencies is not null) latencies[k * calls + c] = ms;
                }
            })));
            return Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        async Task DestroyAll(List<string> live)
        {
            foreach (string id in live) await sandbox.Sessions.DestroyAsync(id);
            await Task.Delay(500);
        }

        // A warm process: one unmeasured round of the same shape first, so the baseline already holds what any
        // first use allocates for good (JIT code, thread-pool threads grown by the load, pool slots, caches).
        Check(await sandbox.ExecuteAsync(new ExecutionRequest(language, code)));
        var warmup = await CreateLive(sessions);
        await Load(warmup, callsEach, null);
        await Task.Delay(300);
        await DestroyAll(warmup);
        var baseline = ProcMemory.Settled();

        long t = Stopwatch.GetTimestamp();
        var ids = await CreateLive(sessions);
        double createMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds / sessions;
        await Task.Delay(1000); // idle: the write-behind checkpoints (CheckpointDelay) are taken and stored
        int live = sandbox.GetStatistics().LiveInterpreters;
        var afterCreate = ProcMemory.Settled();

        var latencies = new double[sessions * callsEach];
        // Active sessions: the highest RSS while all of them run calls (sampled every 2 ms on another thread).
        double peak = 0;
        using var loadDone = new CancellationTokenSource();
        var sampler = Task.Run(() =>
        {
            while (!loadDone.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcMemory.Read().RssMb);
                Thread.Sleep(2);
            }
        });
        double seconds = await Load(ids, callsEach, latencies);
        await loadDone.CancelAsync();
        await sampler;
        await Task.Delay(1000);
        var afterLoad = ProcMemory.Settled();

        await DestroyAll(ids);
        int liveAfter = sandbox.GetStatistics().LiveInterpreters;
        var afterDestroy = ProcMemory.Settled();

        // Same again: if destroyed sessions' memory is kept for reuse (pool slots), this grows little; if leaked, as much as before.
        ids = await CreateLive(sessions);
        await Task.Delay(1000);
        var afterRecreate = ProcMemory.Settled();
        await DestroyAll(ids);
        var afterDestroyAgain = ProcMemory.Settled();
        await Task.Delay(10_000); // does the GC give its committed memory back with time?
        var afterDestroyAgainIdle = ProcMemory.Settled();
        return new ConcurrencyResult(sessions, baseline, afterCreate, afterLoad, afterDestroy, afterRecreate, afterDestroyAgain, afterDestroyAgainIdle, Summary.Of(latencies), peak,
            sessions * callsEach / seconds, createMs, live, liveAfter);
    }
}
