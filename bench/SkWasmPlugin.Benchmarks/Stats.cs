using System.Globalization;
using System.Text;

namespace SkWasmPlugin.Benchmarks;

/// <summary>p50/p99/mean of a sample (nearest-rank percentiles on the sorted sample).</summary>
internal sealed record Summary(double P50, double P99, double Mean, double Min, double Max, int N)
{
    public static Summary Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) throw new InvalidOperationException("no samples");
        var sorted = samples.OrderBy(x => x).ToArray();
        return new Summary(Rank(sorted, 0.50), Rank(sorted, 0.99), sorted.Average(), sorted[0], sorted[^1], sorted.Length);
    }

    private static double Rank(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"p50={P50:0.###} p99={P99:0.###} mean={Mean:0.###} min={Min:0.###} max={Max:0.###} n={N}");
}

/// <summary>How a row is judged against its target.</summary>
internal enum Judge
{
    /// <summary>No target: informational.</summary>
    None,
    /// <summary>p50 must be at most the target.</summary>
    P50AtMost,
    /// <summary>p99 must be at most the target.</summary>
    P99AtMost,
    /// <summary>The single value (kept in P50) must be at most the target.</summary>
    ValueAtMost,
    /// <summary>The single value (kept in P50) must be at least the target.</summary>
    ValueAtLeast,
}

/// <summary>One line of the results table, exchanged between modes as TSV.</summary>
internal sealed record Row(
    string Case,
    string Unit,
    double P50,
    double P99,
    double Mean,
    int N,
    Judge Judge,
    double Target,
    string TargetText,
    string Native,
    string Note,
    double RatioMax = double.NaN)
{
    public static Row Latency(string name, Summary s, Judge judge, double target, string targetText, string native, string note = "", double ratioMax = double.NaN) =>
        new(name, "ms", s.P50, s.P99, s.Mean, s.N, judge, target, targetText, native, note, ratioMax);

    public static Row Value(string name, string unit, double value, Judge judge, double target, string targetText, string note = "") =>
        new(name, unit, value, double.NaN, double.NaN, 1, judge, target, targetText, "-", note);

    public bool? Passed => Judge switch
    {
        Judge.P50AtMost => P50 <= Target,
        Judge.P99AtMost => P99 <= Target,
        Judge.ValueAtMost => P50 <= Target,
        Judge.ValueAtLeast => P50 >= Target,
        _ => null,
    };

    private static string F(double v) => double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);
    private static double D(string s) => s == "NaN" ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);
    private static string Clean(string s) => s.Replace('\t', ' ').Replace('\n', ' ');

    public string ToTsv() => string.Join('\t', Case, Unit, F(P50), F(P99), F(Mean), N.ToString(CultureInfo.InvariantCulture),
        Judge.ToString(), F(Target), Clean(TargetText), Native, Clean(Note), F(RatioMax));

    public static Row FromTsv(string line)
    {
        var f = line.Split('\t');
        return new Row(f[0], f[1], D(f[2]), D(f[3]), D(f[4]), int.Parse(f[5], CultureInfo.InvariantCulture),
            Enum.Parse<Judge>(f[6]), D(f[7]), f[8], f[9], f.Length > 10 ? f[10] : "", f.Length > 11 ? D(f[11]) : double.NaN);
    }

    public static void Append(string? path, IEnumerable<Row> rows)
    {
        var text = new StringBuilder();
        foreach (var r in rows) text.Append(r.ToTsv()).Append('\n');
        if (path is null) Console.Write(text);
        else File.AppendAllText(path, text.ToString());
    }
}

/// <summary>Process memory as the kernel reports it (/proc/self/status), in MB.</summary>
internal readonly record struct ProcMemory(double RssMb, double AnonMb, double FileMb, double ShmemMb, double PssMb, double ManagedMb, double GcCommittedMb)
{
    public static ProcMemory Read()
    {
        double rss = 0, anon = 0, file = 0, shmem = 0;
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kb(line);
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = Kb(line);
            else if (line.StartsWith("RssShmem:", StringComparison.Ordinal)) shmem = Kb(line);
        }
        double pss = double.NaN;
        if (File.Exists("/proc/self/smaps_rollup"))
            foreach (string line in File.ReadLines("/proc/self/smaps_rollup"))
                if (line.StartsWith("Pss:", StringComparison.Ordinal)) pss = Kb(line);
        return new ProcMemory(rss, anon, file, shmem, pss, GC.GetTotalMemory(false) / 1048576.0, GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0);

        static double Kb(string line) =>
            double.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Full blocking GC with LOH compaction, then a short pause so finalizers and background frees land.</summary>
    public static ProcMemory Settled()
    {
        for (int i = 0; i < 2; i++)
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        Thread.Sleep(200);
        // Diagnostics: SKWASM_BENCH_SMAPS=dir keeps /proc/self/smaps of every measurement, numbered.
        if (Environment.GetEnvironmentVariable("SKWASM_BENCH_SMAPS") is { Length: > 0 } dir && File.Exists("/proc/self/smaps"))
        {
            Directory.CreateDirectory(dir);
            File.Copy("/proc/self/smaps", Path.Combine(dir, $"{Interlocked.Increment(ref s_dumps):00}.smaps"), overwrite: true);
        }
        return Read();
    }

    private static int s_dumps;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"rss={RssMb:0.0}MB pss={PssMb:0.0}MB anon={AnonMb:0.0}MB file={FileMb:0.0}MB shmem={ShmemMb:0.0}MB managed={ManagedMb:0.0}MB gc-committed={GcCommittedMb:0.0}MB");
}
