using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Benchmarks;

/// <summary>
/// Ours next to the sandboxes people already use in Node, in one run: quickjs-emscripten (fresh: new runtime + context +
/// eval; warm: eval in an existing context) and Pyodide (warm <c>runPython</c>; fresh <c>loadPyodide</c>, info), timed by
/// <c>bench/peers/peers.mjs</c> in a Node child right after our own cases (same code, output checked on both sides).
/// </summary>
internal static class Peers
{
    public const string QuickJsFresh = "native-quickjs-fresh";
    public const string QuickJsWarm = "native-quickjs-warm";
    public const string PyodideWarm = "native-pyodide-warm";
    public const string PyodideFresh = "native-pyodide-fresh";
    public const string FreshJsCase = "fresh stateless javascript vs quickjs-emscripten fresh";
    public const string WarmJsCase = "warm session javascript vs quickjs-emscripten warm";
    public const string WarmPythonCase = "warm session python vs Pyodide warm runPython";

    public static async Task Run(string? output, string node, string script, string modules, bool quick, int rounds)
    {
        // Alternating blocks (ours, then the Node child, R times), so a change of load on a shared machine falls on both
        // sides; each row's p50 and p99 are the medians over the rounds.
        int scale = quick ? 5 : 1;
        rounds = Math.Max(1, rounds);
        int warmN = Math.Max(20, 1000 / scale / rounds), freshN = Math.Max(10, 200 / scale / rounds);
        var ours = new Dictionary<string, List<Summary>> { ["warm python"] = [], ["warm javascript"] = [], ["fresh javascript"] = [] };
        var peers = new Dictionary<string, List<Summary>> { ["quickjs_fresh"] = [], ["quickjs_warm"] = [], ["pyodide_warm"] = [], ["pyodide_fresh"] = [] };
        string where = "";
        string root = Paths.NewTempDir("skwasm-bench-peers");
        try
        {
            await using var sandbox = new WasmCodeSandbox(SandboxCases.Options(Path.Combine(root, "main"), Paths.PersistentModuleCache()));
            sandbox.Warmup();
            // Unmeasured blocks first, for at least 3 s: the host's code gets tiered up (the first rounds were 2-3x slower
            // than the last; .NET promotes a method some 100 ms after its calls stop bringing new first-tier code, then
            // compiles it in the background, so one block by count was not always enough on a loaded machine).
            var settling = Stopwatch.StartNew();
            do
            {
                await SandboxCases.Warm(sandbox, Language.Python, 100, 1000 / scale);
                await SandboxCases.Warm(sandbox, Language.JavaScript, 100, 1000 / scale);
                await SandboxCases.Fresh(sandbox, Language.JavaScript, 50, 200 / scale);
            }
            while (settling.Elapsed < TimeSpan.FromSeconds(quick ? 1 : 3));
            for (int round = 0; round < rounds; round++)
            {
                var (warmPy, _, _, _) = await SandboxCases.Warm(sandbox, Language.Python, 100 / scale, warmN);
                var (warmJs, _, _, _) = await SandboxCases.Warm(sandbox, Language.JavaScript, 100 / scale, warmN);
                var freshJs = await SandboxCases.Fresh(sandbox, Language.JavaScript, 50 / scale, freshN);
                Modes.Log($"peers round {round + 1}/{rounds}: ours warm python {warmPy}; warm javascript {warmJs}; fresh javascript {freshJs}");
                ours["warm python"].Add(warmPy);
                ours["warm javascript"].Add(warmJs);
                ours["fresh javascript"].Add(freshJs);

                var psi = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false };
                // Pyodide's fresh load takes seconds: in the first round only.
                foreach (string a in (string[])[script, modules, "--warm", warmN.ToString(CultureInfo.InvariantCulture),
                             "--fresh", freshN.ToString(CultureInfo.InvariantCulture), "--pyodide-fresh", round > 0 ? "0" : quick ? "1" : "3"])
                    psi.ArgumentList.Add(a);
                using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + node);
                string json = await p.StandardOutput.ReadToEndAsync();
                await p.WaitForExitAsync();
                if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed (exit {p.ExitCode})");
                using var doc = JsonDocument.Parse(json);
                foreach (var (name, list) in peers)
                {
                    var samples = doc.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToList();
                    if (samples.Count > 0) list.Add(Summary.Of(samples));
                }
                var versions = doc.RootElement.GetProperty("versions");
                string v(string name) => versions.GetProperty(name).GetString() ?? "?";
                where = $"Node {v("node")}, quickjs-emscripten {v("quickjs-emscripten")}, pyodide {v("pyodide")}";
            }
        }
        finally
        {
            Paths.TryDelete(root);
        }
        var warmPython = Median(ours["warm python"]);
        var warmJavaScript = Median(ours["warm javascript"]);
        var freshJavaScript = Median(ours["fresh javascript"]);
        var qFresh = Median(peers["quickjs_fresh"]);
        var qWarm = Median(peers["quickjs_warm"]);
        var pyWarm = Median(peers["pyodide_warm"]);
        var pyFresh = Median(peers["pyodide_fresh"]);
        Modes.Log($"peers: quickjs-emscripten fresh {qFresh}; warm {qWarm}; Pyodide warm {pyWarm}; fresh {pyFresh} ({where})");

        Row.Append(output,
        [
            Row.Latency("quickjs-emscripten fresh: new runtime + context + eval (Node)", qFresh, Judge.None, double.NaN, "baseline", QuickJsFresh,
                $"{where}; {rounds} alternating rounds (ours, then Node), p50/p99 the medians of the rounds'"),
            Row.Latency("quickjs-emscripten warm: eval in an existing context (Node)", qWarm, Judge.None, double.NaN, "baseline", QuickJsWarm),
            Row.Latency("Pyodide warm runPython (Node)", pyWarm, Judge.None, double.NaN, "baseline", PyodideWarm),
            Row.Latency("Pyodide fresh loadPyodide + runPython (Node)", pyFresh, Judge.None, double.NaN, "baseline", PyodideFresh),
            Row.Latency(FreshJsCase, freshJavaScript, Judge.P50AtMost, qFresh.P50, "p50 <= quickjs-emscripten fresh p50", QuickJsFresh),
            Row.Latency(WarmJsCase, warmJavaScript, Judge.P50AtMost, qWarm.P50, "p50 <= quickjs-emscripten warm p50", QuickJsWarm),
            Row.Latency(WarmPythonCase, warmPython, Judge.P50AtMost, 0.5 * pyWarm.P50, "p50 <= 0.5x Pyodide warm p50", PyodideWarm),
        ]);
    }

    /// <summary>Per-round summaries as one: medians of the rounds' p50, p99 and mean; min/max over all; n summed.</summary>
    private static Summary Median(List<Summary> rounds)
    {
        static double Mid(IEnumerable<double> xs)
        {
            var sorted = xs.OrderBy(x => x).ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
        return new Summary(Mid(rounds.Select(r => r.P50)), Mid(rounds.Select(r => r.P99)), Mid(rounds.Select(r => r.Mean)),
            rounds.Min(r => r.Min), rounds.Max(r => r.Max), rounds.Sum(r => r.N));
    }
}
