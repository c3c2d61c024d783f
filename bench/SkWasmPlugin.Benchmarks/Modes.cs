using System.Diagnostics;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Benchmarks;

/// <summary>The measuring modes: each appends TSV rows that <see cref="Report"/> turns into the table.</summary>
internal static class Modes
{
    public static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    public static void Native(string? output, int runs)
    {
        Log($"native baselines, {runs} runs each");
        var py = Processes.Native(Processes.NativePython, ["-c", "print(2+2)"], 3, runs);
        Log($"  {Processes.NativePython} -c 'print(2+2)': {py}");
        var node = Processes.Native(Processes.NativeNode, ["-e", "console.log(2+2)"], 3, runs);
        Log($"  {Processes.NativeNode} -e 'console.log(2+2)': {node}");
        // What .NET itself costs before any of our code runs: this same program printing 4 and exiting.
        var net = Processes.Native(Environment.ProcessPath!, [typeof(Modes).Assembly.Location, "hello"], 3, runs);
        Log($"  dotnet SkWasmPlugin.Benchmarks.dll hello: {net}");
        Row.Append(output,
        [
            Row.Latency("native python3 -c (start to exit)", py, Judge.None, double.NaN, "baseline", "native-python"),
            Row.Latency("native node -e (start to exit)", node, Judge.None, double.NaN, "baseline", "native-node"),
            Row.Latency(".NET host alone: this benchmark program printing 4 (start to exit)", net, Judge.None, double.NaN, "baseline", "native-dotnet"),
        ]);
    }

    public static async Task Compare(string? output, bool quick)
    {
        int scale = quick ? 5 : 1;
        string cache = Paths.PersistentModuleCache();
        string root = Paths.NewTempDir("skwasm-bench");
        var rows = new List<Row>();
        void Add(Row r)
        {
            rows.Add(r);
            Row.Append(output, [r]);
        }
        try
        {
            await using (var sandbox = new WasmCodeSandbox(SandboxCases.Options(Path.Combine(root, "main"), cache)))
            {
                long t = Stopwatch.GetTimestamp();
                sandbox.Warmup();
                sandbox.WhenOptimizedAsync().GetAwaiter().GetResult(); // measured on optimized code, even when this run filled an empty cache
                var stats = sandbox.GetStatistics();
                Log($"warmup {Stopwatch.GetElapsedTime(t).TotalMilliseconds:0} ms; cache hits {stats.ModuleCacheHits} misses {stats.ModuleCacheMisses}; " +
                    string.Join(", ", stats.Runtimes.Select(kv => $"{kv.Key}: start {kv.Value.Milliseconds:0} ms, fuel {kv.Value.Fuel:N0}, snapshot pages {kv.Value.SnapshotPages}")));

                foreach (var (lang, target) in new[] { (Language.Python, 0.5), (Language.JavaScript, 0.2) })
                {
                    var (outer, inner, fuel, diagnosis) = await SandboxCases.Warm(sandbox, lang, 100 / scale, 1000 / scale);
                    Log($"warm {lang.Name()}: {outer} (ExecuteAsync-internal {inner}); fuel/call {fuel:N0}; {diagnosis}");
                    Add(Row.Latency($"warm session {lang.Name()}", outer, Judge.P50AtMost, target,
                        lang == Language.Python ? "p50 <= 0.5 ms and <= 0.03x native" : "p50 <= 0.2 ms",
                        lang == Language.Python ? "native-python" : "native-node",
                        $"inner(Duration) p50 {inner.P50:0.###} ms; fuel/call {fuel:N0}; {diagnosis}",
                        lang == Language.Python ? 0.03 : double.NaN));
                }
                foreach (var (lang, target) in new[] { (Language.Python, 3.0), (Language.JavaScript, 1.0) })
                {
                    var s = await SandboxCases.Fresh(sandbox, lang, 20 / scale, 200 / scale);
                    Log($"fresh {lang.Name()}: {s}");
                    Add(Row.Latency($"fresh stateless {lang.Name()}", s, Judge.P50AtMost, target, $"p50 <= {target} ms",
                        lang == Language.Python ? "native-python" : "native-node"));
                }
                foreach (var lang in Languages.All)
                {
                    if (InternalsProbe.FreshPhases(sandbox, lang, Path.Combine(root, "probe"), quick ? 20 : 100) is not { } steps) break;
                    foreach (var (step, s) in steps)
                    {
                        Log($"fresh {lang.Name()} step {step}: {s}");
                        Add(Row.Latency($"fresh {lang.Name()} step: {step}", s, Judge.None, double.NaN, "info", "-"));
                    }
                }
                foreach (var lang in Languages.All)
                {
                    var (created, flushed, stored) = await SandboxCases.SessionCosts(sandbox, lang, quick ? 5 : 15, Path.Combine(root, "main", "sessions"));
                    Log($"session costs {lang.Name()}: create + first call {created}; FlushAsync after a state change {flushed}; stored checkpoint {stored / 1024.0:0} KiB");
                    Add(Row.Latency($"new session {lang.Name()}: create + first call", created, Judge.None, double.NaN, "info", "-"));
                    Add(Row.Latency($"checkpoint {lang.Name()}: FlushAsync after a change (capture+deflate+write)", flushed, Judge.None, double.NaN, "info", "-",
                        $"stored checkpoint file {stored / 1024.0:0} KiB"));
                }
                foreach (var lang in Languages.All)
                {
                    var (trapped, next, restored, attempts, outcomes) = await SandboxCases.Recovery(sandbox, lang, 3, Math.Max(30 / scale, 6));
                    Log($"recovery {lang.Name()}: trapped call incl. restore {trapped}; next call {next}; outcomes of {attempts} calls: {outcomes}");
                    Add(Row.Latency($"recovery {lang.Name()}: trapped call incl. restore", trapped, Judge.P50AtMost, 10, "p50 <= 10 ms", "-",
                        $"fuel {SandboxCases.TrapFuel:N0}; outcomes of {attempts} calls: {outcomes}"));
                    Add(Row.Latency($"recovery {lang.Name()}: next call after trap", next, Judge.P50AtMost, 10, "p50 <= 10 ms", "-"));
                }
            }

            // Each in its own process, so the memory figures are not blurred by the cases above.
            foreach (var lang in Languages.All)
                RunChild(["conc", "--lang", lang.Name(), "--sessions", quick ? "20" : "100", "--calls", quick ? "5" : "20"], output);
            // The same Python case with the pool's keep-resident memory off (the option's default is 16 MiB).
            RunChild(["conc", "--lang", "python", "--sessions", quick ? "20" : "100", "--calls", quick ? "5" : "20", "--keep-resident", "0"], output);

            foreach (bool python in new[] { true, false })
            {
                string name = python ? "python" : "javascript";
                var (fuel, epoch) = DirectCases.FuelVsEpoch(python, cache, quick ? 5 : 15);
                double ratio = fuel.P50 / epoch.P50;
                Log($"fuel vs epoch {name}: fuel+epoch {fuel}; epoch-only {epoch}; ratio of p50 {ratio:0.000}, of min {fuel.Min / epoch.Min:0.000}");
                Add(Row.Value($"fuel metering overhead {name} (fuel+epoch / epoch)", "x", ratio, Judge.ValueAtMost, 1.3, "<= 1.3x",
                    $"CPU loop p50: fuel+epoch {fuel.P50:0.0} ms, epoch-only {epoch.P50:0.0} ms, n={fuel.N} each, alternating; ratio of minimums {fuel.Min / epoch.Min:0.000}"));
            }

            foreach (bool python in new[] { true, false })
            {
                string name = python ? "python" : "javascript";
                var phases = DirectCases.Phases(python, cache, quick ? 10 : 40);
                foreach (var (phase, s) in phases)
                {
                    Log($"phase {name} {phase}: {s}");
                    if (phase == "snapshot pages")
                        Add(Row.Value($"phase {name}: start-up snapshot", "pages", s.P50, Judge.None, double.NaN, "info", $"{s.P50 * 4 / 1024:0.0} MB written per restore"));
                    else
                        Add(Row.Latency($"phase {name}: {phase} (raw wasmtime)", s, Judge.None, double.NaN, "info", "-"));
                }
                // The same fresh cycle with the pool's keep-resident at 0 instead of the sandbox's 16 MiB.
                var zero = DirectCases.Phases(python, cache, quick ? 10 : 40, keepResident: 0);
                foreach (string phase in new[] { "dispose store", "fresh total (inst+apply+exec+dispose)" })
                {
                    Log($"phase {name} {phase}, keep-resident 0: {zero[phase]}");
                    Add(Row.Latency($"phase {name}: {phase}, keep-resident 0 (raw wasmtime)", zero[phase], Judge.None, double.NaN, "info", "-"));
                }
            }
        }
        finally
        {
            Paths.TryDelete(root);
        }
    }

    /// <summary>Runs this program again with <paramref name="arguments"/> (and --out), sharing stdout/stderr.</summary>
    private static void RunChild(string[] arguments, string? output)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        psi.ArgumentList.Add(typeof(Modes).Assembly.Location);
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        if (output is not null) { psi.ArgumentList.Add("--out"); psi.ArgumentList.Add(output); }
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"child '{string.Join(' ', arguments)}' failed with exit code {p.ExitCode}");
    }

    /// <summary>
    /// N live sessions: host memory per idle session; closed-loop latency of all N at once; memory after destroy;
    /// and memory after making N sessions live again (to tell retained-for-reuse from leaked).
    /// </summary>
    public static async Task Concurrency(string? output, Language lang, int sessions, int calls, bool noPool = false, bool noPersist = false, long? keepResident = null,
        string? runtimes = null, bool noTrim = false)
    {
        string variant = (noPool ? ", pooling off" : "") + (noPersist ? ", checkpoints not persisted" : "")
            + (keepResident is { } k ? $", PoolKeepResidentBytes={k}" : "") + (runtimes is null ? "" : $", runtimes {runtimes}")
            + (noTrim ? ", memory trim off" : "");
        string cache = Paths.PersistentModuleCache();
        string root = Paths.NewTempDir("skwasm-bench-conc");
        try
        {
            var c = await SandboxCases.Concurrency(root, cache, lang, sessions, calls, o =>
            {
                if (noPool) o.UsePoolingAllocator = false;
                if (noPersist) o.Sessions.PersistCheckpoints = false;
                if (keepResident is { } k) o.PoolKeepResidentBytes = k;
                // Memory given back after destroy is judged with the opt-in trim on (set here, never left to the default).
                o.Sessions.TrimMemoryAfterRelease = !noTrim;
                o.RuntimesPath = runtimes;
            });
            Log($"concurrency {lang.Name()}{variant}: {sessions} sessions x {calls} calls, latency {c.Latency}, {c.CallsPerSecond:0} calls/s, create+first call {c.CreateMsPerSession:0.##} ms/session");
            Log($"  memory baseline             {c.Baseline}");
            Log($"  {sessions} live idle sessions     {c.AfterCreate} (live interpreters {c.LiveAfterCreate})");
            Log($"  after concurrent load, idle {c.AfterLoad}");
            Log($"  after destroy               {c.AfterDestroy} (live interpreters {c.LiveAfterDestroy})");
            Log($"  {sessions} live again             {c.AfterRecreate}");
            Log($"  after destroy again         {c.AfterDestroyAgain}");
            Log($"  10 s later                  {c.AfterDestroyAgainIdle}");
            double growth = c.AfterCreate.RssMb - c.Baseline.RssMb;
            double perSession = growth / sessions;
            double anonPerSession = (c.AfterCreate.AnonMb - c.Baseline.AnonMb) / sessions;
            double managedPerSession = (c.AfterCreate.ManagedMb - c.Baseline.ManagedMb) / sessions;
            double loadGrowth = c.AfterLoad.RssMb - c.Baseline.RssMb;
            double retained = c.AfterDestroy.RssMb - c.Baseline.RssMb;
            double released = 100.0 * (c.AfterLoad.RssMb - c.AfterDestroy.RssMb) / Math.Max(loadGrowth, 1e-9);
            double regrowth = c.AfterRecreate.RssMb - c.AfterDestroy.RssMb;
            // The second round (N sessions made live again, then destroyed) runs in a process whose JIT and thread
            // pool have settled, so what it keeps is what sessions keep; the first also keeps one-time runtime growth.
            double releasedAgain = 100.0 * (c.AfterRecreate.RssMb - c.AfterDestroyAgain.RssMb) / Math.Max(regrowth, 1e-9);
            Row.Append(output,
            [
                Row.Latency($"{sessions} concurrent sessions {lang.Name()}{variant} (per call)", c.Latency, Judge.P99AtMost, 20, "p99 <= 20 ms", "-",
                    $"closed loop, {sessions} x {calls} calls, {c.CallsPerSecond:0} calls/s on {Environment.ProcessorCount} cores; max {c.Latency.Max:0.0} ms"),
                Row.Value($"idle live session {lang.Name()}{variant} (RSS/session)", "MB", perSession, Judge.ValueAtMost, 12, "<= 12 MB",
                    $"{sessions} sessions: RSS +{growth:0.0} MB; RssAnon {anonPerSession:0.00} MB/session, managed heap {managedPerSession:0.00} MB/session; {c.LiveAfterCreate} live interpreters"),
                Row.Value($"active session {lang.Name()}{variant} (RSS/session at the peak of the concurrent calls)", "MB", (c.PeakRssDuringLoadMb - c.Baseline.RssMb) / sessions,
                    Judge.None, double.NaN, "info",
                    $"{sessions} sessions all running calls: peak RSS +{c.PeakRssDuringLoadMb - c.Baseline.RssMb:0.0} MB over the baseline (idle: +{growth:0.0} MB)"),
                Row.Value($"released on destroy {lang.Name()}{variant}, second round (share of its growth)", "%", releasedAgain, Judge.ValueAtLeast, 90, ">= 90% of growth",
                    $"{sessions} sessions made live again: RSS +{regrowth:0.0} MB; destroyed: {c.AfterRecreate.RssMb - c.AfterDestroyAgain.RssMb:0.0} MB given back"),
                Row.Value($"released on destroy {lang.Name()}{variant}, first round after the load (share of growth)", "%", released, Judge.None, double.NaN, "info (also holds one-time JIT/runtime growth)",
                    $"RSS growth after load {loadGrowth:0.0} MB, retained after destroy {retained:0.0} MB ({retained / sessions:0.00} MB/session, managed {c.AfterDestroy.ManagedMb - c.Baseline.ManagedMb:0.0} MB); " +
                    $"making {sessions} sessions live again grows RSS by {regrowth:0.0} MB, destroying them again leaves {c.AfterDestroyAgain.RssMb - c.Baseline.RssMb:0.0} MB over baseline " +
                    $"(GC committed {c.AfterDestroyAgain.GcCommittedMb - c.Baseline.GcCommittedMb:0.0} MB of it; 10 s later {c.AfterDestroyAgainIdle.RssMb - c.Baseline.RssMb:0.0} MB, GC committed {c.AfterDestroyAgainIdle.GcCommittedMb - c.Baseline.GcCommittedMb:0.0} MB)"),
            ]);
        }
        finally
        {
            Paths.TryDelete(root);
        }
    }

    /// <summary>Memory held by dropped pool slots with the sandbox's keep-resident setting (16 MiB) and with 0.</summary>
    public static void KeepResident(string? output, int instances)
    {
        string cache = Paths.PersistentModuleCache();
        foreach (nuint keep in new nuint[] { 16 * 1024 * 1024, 0 })
        {
            var (before, alive, dropped) = KeepResidentExperiment.Run(keep, instances, cache);
            Log($"keep-resident {keep / 1048576} MiB, {instances} python instances: before {before}");
            Log($"  alive   {alive}");
            Log($"  dropped {dropped}");
            Row.Append(output, [Row.Value($"pool keep-resident {keep / 1048576} MiB: RSS left by {instances} dropped python instances", "MB",
                dropped.RssMb - before.RssMb, Judge.None, double.NaN, "info",
                $"alive: +{alive.RssMb - before.RssMb:0.0} MB RSS; dropped: +{dropped.RssMb - before.RssMb:0.0} MB RSS, +{dropped.AnonMb - before.AnonMb:0.0} MB anon (Wasmtime directly, no sandbox)")]);
        }
    }

    /// <param name="variant">Names how this program was built when it is not the plain build (e.g. "published ReadyToRun").</param>
    /// <param name="childExe">A native executable of the child (SkWasmPlugin.FirstRun published NativeAOT); null: this program.</param>
    /// <param name="judgeFirstCall">Judge the call after the constructor against the first-call goal, with constructor + call from Main beside it (a JIT-compiled child on the library as packed).</param>
    public static void FirstRunAll(string? output, int cold, int warm, string? variant = null, string? childExe = null, bool judgeFirstCall = false)
    {
        string dll = childExe ?? typeof(Modes).Assembly.Location;
        string suffix = variant is null ? "" : $" ({variant})";
        string root = Paths.NewTempDir("skwasm-bench-first");
        try
        {
            foreach (var lang in Languages.All)
            {
                string name = lang.Name();
                var coldMs = new List<double>();
                string? cacheForWarm = null;
                for (int i = 0; i < cold; i++)
                {
                    string cache = Path.Combine(root, $"cache-{name}-{i}");
                    Directory.CreateDirectory(cache); // empty: the child compiles and stores the module
                    var (ms, phases) = Processes.FirstRunOnce(dll, cache, lang, Path.Combine(root, $"work-{name}-c{i}"));
                    Log($"first run {name}, empty cache: {ms:0} ms  [{phases}]");
                    coldMs.Add(ms);
                    cacheForWarm = cache;
                }
                if (cacheForWarm is null)
                {
                    cacheForWarm = Path.Combine(root, $"cache-{name}-fill");
                    Processes.FirstRunOnce(dll, cacheForWarm, lang, Path.Combine(root, $"work-{name}-fill"));
                }
                var warmMs = new List<double>();
                var afterMain = new List<double>();
                var afterConstructor = new List<double>();
                string lastPhases = "";
                for (int i = 0; i < warm + 1; i++)
                {
                    var (ms, phases) = Processes.FirstRunOnce(dll, cacheForWarm, lang, Path.Combine(root, $"work-{name}-w{i}"));
                    Log($"first run {name}, warm cache: {ms:0} ms  [{phases}]");
                    if (i == 0) continue; // the first one pays for the page cache of the .cwasm just written
                    warmMs.Add(ms);
                    afterMain.Add(Phase(phases, "result") - Phase(phases, "main"));
                    afterConstructor.Add(Phase(phases, "result") - Phase(phases, "ctor"));
                    lastPhases = phases;
                }
                string native = lang == Language.Python ? "native-python" : "native-node";
                if (coldMs.Count > 0)
                    Row.Append(output, [Row.Latency($"first run after process start {name}, empty cache{suffix}", Summary.Of(coldMs), Judge.P50AtMost, 2000, "p50 <= 2 s", native)]);
                Row.Append(output, [Row.Latency($"first run after process start {name}, module cache{suffix}", Summary.Of(warmMs), Judge.P50AtMost, 100, "p50 <= 100 ms", native,
                    "child phases (ms since spawn): " + lastPhases)]);
                // The "first call after constructing the sandbox in a JIT-compiled host": ExecuteAsync, from the
                // constructor's return to the result (its table's "first call after new WasmCodeSandbox()"), judged where
                // the child runs as a JIT-compiled app on the package's build of the library (compare.sh); the
                // constructor and the call together, from Main, beside it.
                if (judgeFirstCall)
                    Row.Append(output,
                    [
                        Row.Latency($"first call in a JIT host {name}, module cache{suffix}: the call after the constructor, to the result", Summary.Of(afterConstructor), Judge.P50AtMost, 60, "p50 <= 60 ms", "-",
                            "the child plays back the JIT startup profile its previous run recorded (SandboxOptions.JitStartupProfile)"),
                        Row.Latency($"first call in a JIT host {name}, module cache{suffix}: constructor + call, from Main to the result", Summary.Of(afterMain), Judge.None, double.NaN, "info", "-"),
                    ]);
                else
                    Row.Append(output, [Row.Latency($"first run {name}, module cache{suffix}: from Main to the result (our part)", Summary.Of(afterMain), Judge.None, double.NaN, "info", "-")]);
            }
        }
        finally
        {
            Paths.TryDelete(root);
        }
    }

    /// <summary>
    /// The skwasm command line (published NativeAOT by compare.sh) running print(2+2) / console.log(2+2), timed from
    /// process start to exit as a person sees it: the first call of each language fills an empty module cache, the
    /// rest find it. Its folders (module cache, sessions) live in a fresh XDG_DATA_HOME.
    /// </summary>
    public static void Cli(string? output, string exe, int runs)
    {
        string root = Paths.NewTempDir("skwasm-bench-cli");
        try
        {
            var environment = SkwasmEnvironment(root);
            foreach (var lang in Languages.All)
            {
                string name = lang.Name();
                string native = lang == Language.Python ? "native-python" : "native-node";
                string[] args = ["run", "--lang", name, "--code", SandboxCases.Code(lang)];
                var empty = Processes.Native(exe, args, 0, 1, environment);
                Log($"skwasm run {name}, empty cache: {empty}");
                var cached = Processes.Native(exe, args, 1, runs, environment);
                Log($"skwasm run {name}, module cache: {cached}");
                Row.Append(output,
                [
                    Row.Latency($"skwasm CLI (NativeAOT) run {name}, empty cache (start to exit)", empty, Judge.P50AtMost, 6000, "p50 <= 6 s", native),
                    Row.Latency($"skwasm CLI (NativeAOT) run {name}, module cache (start to exit)", cached, Judge.P50AtMost, 100, "p50 <= 100 ms", native),
                ]);
            }
        }
        finally
        {
            Paths.TryDelete(root);
        }
    }

    /// <summary>A skwasm process whose module cache and sessions live under <paramref name="root"/> (its default folders, moved by XDG_DATA_HOME).</summary>
    private static Dictionary<string, string> SkwasmEnvironment(string root) => new() { ["XDG_DATA_HOME"] = root, ["SKWASM_HOME"] = "" };

    /// <summary>
    /// <c>skwasm mcp</c> over stdio as an MCP client starts it: time from process start to the answer to
    /// <c>initialize</c>, and to the result of a first <c>execute_code</c> (Python <c>print(2+2)</c>), module
    /// cache filled by one unmeasured run; folders in a fresh XDG_DATA_HOME.
    /// </summary>
    public static void Mcp(string? output, string exe, int runs)
    {
        string root = Paths.NewTempDir("skwasm-bench-mcp");
        try
        {
            var initialized = new List<double>();
            var executed = new List<double>();
            for (int i = 0; i < runs + 1; i++)
            {
                var psi = new ProcessStartInfo(exe) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                psi.ArgumentList.Add("mcp");
                foreach (var (name, value) in SkwasmEnvironment(root)) psi.Environment[name] = value;
                long t = Stopwatch.GetTimestamp();
                using var p = Process.Start(psi)!;
                p.ErrorDataReceived += (_, _) => { };
                p.BeginErrorReadLine();
                p.StandardInput.WriteLine("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}""");
                p.StandardInput.Flush();
                string? answer = p.StandardOutput.ReadLine();
                double init = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                p.StandardInput.WriteLine("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
                p.StandardInput.WriteLine("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"execute_code","arguments":{"language":"python","code":"print(2+2)"}}}""");
                p.StandardInput.Flush();
                string? result = p.StandardOutput.ReadLine();
                double exec = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                if (i == 0)
                {
                    // The server warms both runtimes up: let JavaScript's compiled module reach the cache too.
                    p.StandardInput.WriteLine("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"execute_code","arguments":{"language":"javascript","code":"console.log(2+2)"}}}""");
                    p.StandardInput.Flush();
                    p.StandardOutput.ReadLine();
                }
                p.StandardInput.Close();
                p.WaitForExit();
                if (answer is null || !answer.Contains("\"protocolVersion\"", StringComparison.Ordinal) || result is null || !result.Contains("\"outcome\":\"success\"", StringComparison.Ordinal))
                    throw new InvalidOperationException($"skwasm mcp answered unexpectedly: '{answer}' / '{result}'");
                if (i == 0) continue; // fills the module cache
                initialized.Add(init);
                executed.Add(exec);
            }
            Log($"skwasm mcp initialize: {Summary.Of(initialized)}; first execute_code: {Summary.Of(executed)}");
            Row.Append(output,
            [
                Row.Latency("skwasm mcp (NativeAOT, stdio): initialize answered (from process start)", Summary.Of(initialized), Judge.None, double.NaN, "info", "-"),
                Row.Latency("skwasm mcp (NativeAOT, stdio): first execute_code python result (from process start)", Summary.Of(executed), Judge.None, double.NaN, "info", "native-python"),
            ]);
        }
        finally
        {
            Paths.TryDelete(root);
        }
    }

    /// <summary>A value from the child's phase line ("main=21.8 ctor=93.6 ..."), NaN when absent.</summary>
    private static double Phase(string phases, string name) =>
        phases.Split(' ').Select(p => p.Split('=')).FirstOrDefault(kv => kv.Length == 2 && kv[0] == name) is { } kv
            && double.TryParse(kv[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : double.NaN;
}
