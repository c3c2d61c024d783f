using System.Globalization;
using System.Text;

namespace SkWasmPlugin.Benchmarks;

/// <summary>Prints the one results table (Markdown) and the six closing lines.</summary>
internal static class Report
{
    public static int Print(string[] inputs)
    {
        var rows = inputs.SelectMany(File.ReadLines).Where(l => l.Length > 0).Select(Row.FromTsv).ToList();
        var natives = rows.Where(r => r.Native.StartsWith("native-", StringComparison.Ordinal) && r.TargetText == "baseline")
            .ToDictionary(r => r.Native, r => r.P50);

        var table = new List<string[]> { new[] { "case", "ours p50", "ours p99", "target", "native p50 (python3 -c / node -e)", "ratio ours/native", "pass/fail" } };
        // A cell's native run is shown in its cell's row (native column), not as a row of its own.
        foreach (var r in rows.Where(r => !(r.TargetText == "baseline" && r.Native.StartsWith("native-cell-", StringComparison.Ordinal))))
        {
            bool isBaseline = r.TargetText == "baseline";
            double native = !isBaseline && natives.TryGetValue(r.Native, out double n) ? n : double.NaN;
            double ratio = r.P50 / native;
            bool? pass = r.Passed;
            if (pass == true && !double.IsNaN(r.RatioMax)) pass = !double.IsNaN(ratio) && ratio <= r.RatioMax;
            table.Add(
            [
                r.Case,
                Format(r.P50, r.Unit),
                double.IsNaN(r.P99) ? "-" : Format(r.P99, r.Unit),
                r.TargetText,
                double.IsNaN(native) ? "-" : Format(native, "ms") + r.Native switch
                {
                    "native-python" => " (py)",
                    "native-dotnet" => " (.NET)",
                    _ when r.Native.StartsWith("native-cell-", StringComparison.Ordinal) => " (py file)",
                    _ when r.Native.StartsWith("native-quickjs-", StringComparison.Ordinal) => " (quickjs-emscripten)",
                    _ when r.Native.StartsWith("native-pyodide-", StringComparison.Ordinal) => " (Pyodide)",
                    _ => " (node)",
                },
                double.IsNaN(ratio) ? "-" : ratio.ToString(ratio < 0.1 ? "0.0000" : "0.00", CultureInfo.InvariantCulture),
                pass switch { true => "PASS", false => "FAIL", null => "-" },
            ]);
        }
        int[] widths = Enumerable.Range(0, table[0].Length).Select(c => table.Max(row => row[c].Length)).ToArray();
        var sb = new StringBuilder();
        for (int i = 0; i < table.Count; i++)
        {
            sb.Append("| ").Append(string.Join(" | ", table[i].Select((cell, c) => cell.PadRight(widths[c])))).Append(" |\n");
            if (i == 0) sb.Append("|").Append(string.Join("|", widths.Select(w => new string('-', w + 2)))).Append("|\n");
        }
        Console.Write(sb);

        var notes = rows.Where(r => r.Note.Length > 0).ToList();
        if (notes.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Notes:");
            foreach (var r in notes) Console.WriteLine($"- {r.Case}: {r.Note}");
        }
        int failed = rows.Count(r => r.Passed == false);
        Console.WriteLine();
        Console.WriteLine($"targets: {rows.Count(r => r.Passed is not null)} judged, {failed} failed (ratio conditions included in the table)");

        // compare mode's row; in a peers-only run (compare.sh --peers), the peers mode's measurement of the same case.
        var warm = rows.FirstOrDefault(r => r.Case == "warm session python") ?? rows.FirstOrDefault(r => r.Case == Peers.WarmPythonCase);
        var fresh = rows.FirstOrDefault(r => r.Case == "fresh stateless python");
        double nativePy = natives.GetValueOrDefault("native-python", double.NaN);
        Console.WriteLine($"warm_python_p50_ms: {Num(warm?.P50 ?? double.NaN, "0.###")}");
        Console.WriteLine($"fresh_python_p50_ms: {Num(fresh?.P50 ?? double.NaN, "0.###")}");
        Console.WriteLine($"warm_python_vs_native: {Num((warm?.P50 ?? double.NaN) / nativePy, "0.0000")}");
        var cells = rows.FirstOrDefault(r => r.Case == CellCases.GeomeanCase);
        Console.WriteLine($"cells_vs_native: {Num(cells?.P50 ?? double.NaN, "0.0000")}");
        // The JavaScript peers (peers mode): our p50 over quickjs-emscripten's, measured in the same run.
        double PeerRatio(string name, string peer) =>
            (rows.FirstOrDefault(r => r.Case == name)?.P50 ?? double.NaN) / natives.GetValueOrDefault(peer, double.NaN);
        Console.WriteLine($"fresh_js_vs_quickjs_emscripten: {Num(PeerRatio(Peers.FreshJsCase, Peers.QuickJsFresh), "0.000")}");
        Console.WriteLine($"warm_js_vs_quickjs_emscripten: {Num(PeerRatio(Peers.WarmJsCase, Peers.QuickJsWarm), "0.000")}");
        return 0;
    }

    private static string Num(double v, string format) => double.IsNaN(v) ? "NaN" : v.ToString(format, CultureInfo.InvariantCulture);

    private static string Format(double v, string unit) => unit switch
    {
        "ms" => (v < 10 ? v.ToString("0.000", CultureInfo.InvariantCulture) : v.ToString("0.0", CultureInfo.InvariantCulture)) + " ms",
        "MB" => v.ToString("0.00", CultureInfo.InvariantCulture) + " MB",
        "%" => v.ToString("0.0", CultureInfo.InvariantCulture) + " %",
        "x" => v.ToString("0.000", CultureInfo.InvariantCulture) + "x",
        _ => v.ToString("0.##", CultureInfo.InvariantCulture) + " " + unit,
    };
}
