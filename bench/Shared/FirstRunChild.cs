using System.Diagnostics;
using System.Globalization;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Benchmarks;

/// <summary>
/// The workload every case runs, and the child side of the first-run cases. Shared by the benchmark program
/// and by SkWasmPlugin.FirstRun (the same child, small enough to publish NativeAOT).
/// </summary>
internal static partial class SandboxCases
{
    public const string PythonCode = "print(2+2)";
    public const string JsCode = "console.log(2+2)";
    public const string Expected = "4\n";

    public static string Code(Language language) => language == Language.Python ? PythonCode : JsCode;

    /// <summary>Options as a host would leave them, with every folder under <paramref name="root"/>.</summary>
    public static SandboxOptions Options(string root, string moduleCache) => new()
    {
        ModuleCachePath = moduleCache,
        ScratchPath = Path.Combine(root, "scratch"),
        Sessions = new SessionManagerOptions { StoragePath = Path.Combine(root, "sessions") },
    };

    public static void Check(ExecutionResult r, string expected = Expected)
    {
        if (r.Outcome != ExecutionOutcome.Success || r.Stdout != expected)
            throw new InvalidOperationException($"Unexpected result: {r.Outcome} stdout='{r.Stdout}' stderr='{r.Stderr}'");
    }

    /// <summary>
    /// Child side of first-run: builds a sandbox on <paramref name="cacheDir"/>, runs one stateless tiny program, and
    /// prints the time of each phase since <paramref name="t0"/> (the parent's Stopwatch timestamp just before it
    /// started this process; Stopwatch is CLOCK_MONOTONIC, shared by processes).
    /// </summary>
    public static async Task<int> FirstRunChild(string cacheDir, Language language, long t0, string work)
    {
        double Since() => (Stopwatch.GetTimestamp() - t0) * 1000.0 / Stopwatch.Frequency;
        double main = t0 == 0 ? double.NaN : Since();
        if (t0 == 0) t0 = Stopwatch.GetTimestamp();
        await using (var sandbox = new WasmCodeSandbox(Options(work, cacheDir)))
        {
            double ctor = Since();
            var r = await sandbox.ExecuteAsync(new ExecutionRequest(language, Code(language)));
            double result = Since();
            Check(r);
            // The RESULT line is what the parent times; the rest is for the notes.
            Console.WriteLine(FormattableString.Invariant($"RESULT {result:0.###}"));
            Console.Out.Flush();
            // A JIT startup profile in the cache was left by a previous run (the runtime writes this run's at exit):
            // this run played it back on a second core (SandboxOptions.JitStartupProfile).
            bool profile = Directory.EnumerateFiles(cacheDir, "jit-*.profile").Any();
            var stats = sandbox.GetStatistics();
            var startup = stats.Runtimes[language.Name()];
            Console.WriteLine(FormattableString.Invariant(
                $"PHASES main={main:0.#} ctor={ctor:0.#} result={result:0.#} runtime_start={startup.Milliseconds:0.#} startup_fuel={startup.Fuel} snapshot_pages={startup.SnapshotPages} compiler={startup.Compiler} jit_profile={(profile ? "played" : "none")} cache_hits={stats.ModuleCacheHits} cache_misses={stats.ModuleCacheMisses} jit_methods={System.Runtime.JitInfo.GetCompiledMethodCount()} jit_ms={System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0.#}"));
            Console.Out.Flush();
            // Not timed: a cold run leaves the optimized code in the cache for the runs after it, as a process that
            // lives past its first seconds does.
            await sandbox.WhenOptimizedAsync();
        }
        return 0;
    }

    /// <summary>Parses "first-run --cache DIR --lang L [--t0 TS] [--work DIR]" and runs the child.</summary>
    public static Task<int> FirstRunChild(string[] args)
    {
        string? Opt(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        string cache = Opt("--cache") ?? throw new ArgumentException("--cache DIR is required");
        if (!Languages.TryParse(Opt("--lang") ?? "python", out var language)) throw new ArgumentException("--lang python|javascript");
        long t0 = Opt("--t0") is { } ts ? long.Parse(ts, CultureInfo.InvariantCulture) : 0;
        string work = Opt("--work") ?? Path.Combine(Path.GetTempPath(), "skwasm-bench-first-" + Guid.NewGuid().ToString("N"));
        return FirstRunChild(cache, language, t0, work);
    }
}
