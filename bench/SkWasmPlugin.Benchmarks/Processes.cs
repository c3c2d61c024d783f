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
    public static Summary Native(string file, string[] args, int warmup, int runs, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"{file} is not installed; the native baseline needs it.", file);
        var samples = new List<double>(runs);
        for (int i = 0; i < warmup + runs; i++)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in args) psi.ArgumentList.Add(a);
            foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
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
    /// One child: parent-side time from just before Process.Start to the child's RESULT line, plus its phase line.
    /// <paramref name="child"/> is this program's dll (run with dotnet) or a native executable of the child.
    /// </summary>
    public static (double Ms, string Phases) FirstRunOnce(string child, string cacheDir, Language language, string work)
    {
        bool dll = child.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var psi = new ProcessStartInfo(dll ? "dotnet" : child) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (dll) psi.ArgumentList.Add(child);
        foreach (string a in new[] { "first-run", "--cache", cacheDir, "--lang", language.Name(), "--work", work, "--t0" })
            psi.ArgumentList.Add(a);
        long t0 = Stopwatch.GetTimestamp();
        psi.ArgumentList.Add(t0.ToString(CultureInfo.InvariantCulture));
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
