using System.Diagnostics;
using System.Globalization;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Benchmarks;

/// <summary>Measurements that start processes: native baselines and first execution after process start.</summary>
internal static class Processes
{
    public const string NativePython = "/usr/bin/python3";
    public const string NativeNode = "/usr/bin/node";

    /// <summary>Process start to exit of <paramref name="file"/> with <paramref name="args"/>, after warm-up runs.</summary>
    public static Summary Native(string file, string[] args, int warmup, int runs)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"{file} is not installed; the native baseline needs it.", file);
        var samples = new List<double>(runs);
        for (int i = 0; i < warmup + runs; i++)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in args) psi.ArgumentList.Add(a);
            long t = Stopwatch.GetTimestamp();
            using var p = Process.Start(psi)!;
            string stdout = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            double ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (p.ExitCode != 0 || stdout != "4\n") throw new InvalidOperationException($"{file} failed: exit {p.ExitCode}, '{stdout}'");
            if (i >= warmup) samples.Add(ms);
        }
        return Summary.Of(samples);
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
        await using (var sandbox = new WasmCodeSandbox(SandboxCases.Options(work, cacheDir)))
        {
            double ctor = Since();
            var r = await sandbox.ExecuteAsync(new ExecutionRequest(language, SandboxCases.Code(language)));
            double result = Since();
            SandboxCases.Check(r);
            var stats = sandbox.GetStatistics();
            var startup = stats.Runtimes[language.Name()];
            // The RESULT line is what the parent times; the rest is for the notes.
            Console.WriteLine(FormattableString.Invariant($"RESULT {result:0.###}"));
            Console.WriteLine(FormattableString.Invariant(
                $"PHASES main={main:0.#} ctor={ctor:0.#} result={result:0.#} runtime_start={startup.Milliseconds:0.#} startup_fuel={startup.Fuel} snapshot_pages={startup.SnapshotPages} cache_hits={stats.ModuleCacheHits} cache_misses={stats.ModuleCacheMisses}"));
            Console.Out.Flush();
        }
        return 0;
    }

    /// <summary>One child: parent-side time from just before Process.Start to the child's RESULT line, plus its phase line.</summary>
    public static (double Ms, string Phases) FirstRunOnce(string dll, string cacheDir, Language language, string work)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        long t0 = Stopwatch.GetTimestamp();
        foreach (string a in new[] { dll, "first-run", "--cache", cacheDir, "--lang", language.Name(), "--t0", t0.ToString(CultureInfo.InvariantCulture), "--work", work })
            psi.ArgumentList.Add(a);
        t0 = Stopwatch.GetTimestamp();
        psi.ArgumentList[7] = t0.ToString(CultureInfo.InvariantCulture);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        double ms = double.NaN;
        string phases = "";
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal) && double.IsNaN(ms)) ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            else if (line.StartsWith("PHASES ", StringComparison.Ordinal)) phases = line[7..];
        }
        p.WaitForExit();
        if (p.ExitCode != 0 || double.IsNaN(ms))
            throw new InvalidOperationException($"first-run child failed (exit {p.ExitCode}): {stderr.Result}");
        return (ms, phases);
    }
}
