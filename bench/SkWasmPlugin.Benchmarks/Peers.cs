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

    public static async Task Run(string? output, string node, string script, string modules, bool quick)
    {
        int scale = quick ? 5 : 1;
        string root = Paths.NewTempDir("skwasm-bench-peers");
        Summary warmPy, warmJs, freshJs;
        try
        {
            await using var sandbox = new WasmCodeSandbox(SandboxCases.Options(Path.Combine(root, "main"), Paths.PersistentModuleCache()));
            sandbox.Warmup();
            (warmPy, _, _, _) = await SandboxCases.Warm(sandbox, Language.Python, 100 / scale, 1000 / scale);
            Modes.Log($"peers: ours warm python {warmPy}");
            (warmJs, _, _, _) = await SandboxCases.Warm(sandbox, Language.JavaScript, 100 / scale, 1000 / scale);
            Modes.Log($"peers: ours warm javascript {warmJs}");
            freshJs = await SandboxCases.Fresh(sandbox, Language.JavaScript, 50 / scale, 200 / scale);
            Modes.Log($"peers: ours fresh javascript {freshJs}");
        }
        finally
        {
            Paths.TryDelete(root);
        }

        var psi = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false };
        foreach (string a in (string[])[script, modules, "--warm", (1000 / scale).ToString(CultureInfo.InvariantCulture),
                     "--fresh", (200 / scale).ToString(CultureInfo.InvariantCulture), "--pyodide-fresh", quick ? "1" : "3"])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + node);
        string json = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed (exit {p.ExitCode})");
        using var doc = JsonDocument.Parse(json);
        Summary Of(string name) => Summary.Of([.. doc.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetDouble())]);
        var versions = doc.RootElement.GetProperty("versions");
        string v(string name) => versions.GetProperty(name).GetString() ?? "?";
        var qFresh = Of("quickjs_fresh");
        var qWarm = Of("quickjs_warm");
        var pyWarm = Of("pyodide_warm");
        var pyFresh = Of("pyodide_fresh");
        string where = $"Node {v("node")}, quickjs-emscripten {v("quickjs-emscripten")}, pyodide {v("pyodide")}";
        Modes.Log($"peers: quickjs-emscripten fresh {qFresh}; warm {qWarm}; Pyodide warm {pyWarm}; fresh {pyFresh} ({where})");

        Row.Append(output,
        [
            Row.Latency("quickjs-emscripten fresh: new runtime + context + eval (Node)", qFresh, Judge.None, double.NaN, "baseline", QuickJsFresh, where),
            Row.Latency("quickjs-emscripten warm: eval in an existing context (Node)", qWarm, Judge.None, double.NaN, "baseline", QuickJsWarm),
            Row.Latency("Pyodide warm runPython (Node)", pyWarm, Judge.None, double.NaN, "baseline", PyodideWarm),
            Row.Latency("Pyodide fresh loadPyodide + runPython (Node)", pyFresh, Judge.None, double.NaN, "baseline", PyodideFresh),
            Row.Latency(FreshJsCase, freshJs, Judge.P50AtMost, qFresh.P50, "p50 <= quickjs-emscripten fresh p50", QuickJsFresh),
            Row.Latency(WarmJsCase, warmJs, Judge.P50AtMost, qWarm.P50, "p50 <= quickjs-emscripten warm p50", QuickJsWarm),
            Row.Latency(WarmPythonCase, warmPy, Judge.P50AtMost, 0.5 * pyWarm.P50, "p50 <= 0.5x Pyodide warm p50", PyodideWarm),
        ]);
    }
}
