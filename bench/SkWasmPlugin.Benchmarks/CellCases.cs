using System.Diagnostics;
using System.Globalization;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Benchmarks;

/// <summary>
/// The realistic cells (<see cref="Cells"/>) run as fresh stateless calls side by side with native
/// <c>/usr/bin/python3 file.py</c> in the same run, and the import costs that chose what the start-up image preloads.
/// </summary>
internal static class CellCases
{
    /// <summary>The case name of the judged geomean row (Report prints its value as the closing <c>cells_vs_native</c> line).</summary>
    public const string GeomeanCase = "realistic cells, fresh stateless python vs native python3 file.py (geomean)";

    /// <summary>Target of the geomean ratio ours / native.</summary>
    public const double Target = 0.1;

    /// <summary>
    /// Rounds: each cell run by native python3 file.py once, then each cell by each sandbox once (order alternating);
    /// then fresh <c>print(1)</c> in blocks alternating between the sandboxes. <paramref name="beforeRuntimes"/>: a second
    /// runtimes tree (e.g. the one before a change, <c>git archive</c>d) measured in the same process, for side-by-side figures.
    /// </summary>
    public static async Task Run(string? output, int rounds, int warmup, string? beforeRuntimes, string? runtimes = null)
    {
        string root = Paths.NewTempDir("skwasm-bench-cells");
        string cache = Paths.PersistentModuleCache();
        try
        {
            var sides = new List<(string Name, WasmCodeSandbox Sandbox)>();
            var mainOptions = SandboxCases.Options(Path.Combine(root, "ours"), cache);
            mainOptions.RuntimesPath = runtimes;
            sides.Add(("ours", new WasmCodeSandbox(mainOptions)));
            if (beforeRuntimes is not null)
            {
                var beforeOptions = SandboxCases.Options(Path.Combine(root, "before"), cache);
                beforeOptions.RuntimesPath = beforeRuntimes;
                sides.Add(("before", new WasmCodeSandbox(beforeOptions)));
            }
            try
            {
                foreach (var (name, sandbox) in sides)
                {
                    sandbox.Warmup(Language.Python);
                    sandbox.WhenOptimizedAsync().GetAwaiter().GetResult();
                    var startup = sandbox.GetStatistics().Runtimes["python"];
                    Modes.Log($"cells: {name}: python start-up image {startup.SnapshotPages} pages ({startup.SnapshotPages * 4096 / 1048576.0:0.00} MiB), start-up fuel {startup.Fuel:N0}");
                    Row.Append(output, [Row.Value($"python start-up image ({name})", "pages", startup.SnapshotPages, Judge.None, double.NaN, "info",
                        FormattableString.Invariant($"{startup.SnapshotPages * 4096 / 1048576.0:0.00} MiB; start-up fuel {startup.Fuel:N0}"))]);
                }

                string dir = Path.Combine(root, "native");
                Directory.CreateDirectory(dir);
                var cells = Cells.All;
                var files = cells.Select((c, i) => WriteCell(dir, i, c)).ToArray();
                var native = cells.Select(_ => new List<double>()).ToArray();
                var ours = sides.Select(_ => cells.Select(_ => new List<double>()).ToArray()).ToArray();
                var fuel = sides.Select(_ => new long[cells.Count]).ToArray();
                var inner = sides.Select(_ => cells.Select(_ => new List<double>()).ToArray()).ToArray();
                var expected = new string[cells.Count];
                for (int round = 0; round < warmup + rounds; round++)
                {
                    for (int c = 0; c < cells.Count; c++)
                    {
                        var (nativeMs, stdout) = NativeOnce(files[c], dir);
                        if (expected[c] is null) expected[c] = stdout;
                        else if (stdout != expected[c]) throw new InvalidOperationException($"native python3 printed something else for cell {cells[c].Name}: '{stdout}'");
                        if (round >= warmup) native[c].Add(nativeMs);
                    }
                    // Starting a process write-protects this one's pages (fork), so the first writes to each warm pool
                    // slot fault afterwards (1-2 ms a call; 3 calls here were not enough): unmeasured calls first, as a
                    // host that spawns nothing would be.
                    foreach (var (_, sandbox) in sides)
                        for (int i = 0; i < 40; i++) SandboxCases.Check((await SandboxCases.Time(sandbox, new ExecutionRequest(Language.Python, "print(1)"))).Result, "1\n");
                    for (int c = 0; c < cells.Count; c++)
                    {
                        for (int k = 0; k < sides.Count; k++)
                        {
                            int s = (k + round + c) % sides.Count; // alternate which side goes first
                            var (ms, r) = await SandboxCases.Time(sides[s].Sandbox, new ExecutionRequest(Language.Python, cells[c].Code));
                            if (r.Outcome != ExecutionOutcome.Success || r.Stdout != expected[c])
                                throw new InvalidOperationException($"cell {cells[c].Name} ({sides[s].Name}): {r.Outcome}, stdout '{r.Stdout}' (native: '{expected[c]}'), stderr '{r.Stderr}'");
                            fuel[s][c] = r.FuelConsumed;
                            if (round >= warmup)
                            {
                                ours[s][c].Add(ms);
                                inner[s][c].Add(r.Duration.TotalMilliseconds);
                            }
                        }
                    }
                }

                // Fresh print(1): the cost every stateless call pays for the image, in alternating blocks.
                var print1 = sides.Select(_ => new List<double>()).ToArray();
                var print1Fuel = new long[sides.Count];
                int blocks = Math.Max(rounds / 2, 4);
                for (int b = 0; b < blocks + 1; b++)
                    for (int k = 0; k < sides.Count; k++)
                    {
                        int s = (k + b) % sides.Count;
                        for (int i = 0; i < 40; i++)
                        {
                            var (ms, r) = await SandboxCases.Time(sides[s].Sandbox, new ExecutionRequest(Language.Python, "print(1)"));
                            SandboxCases.Check(r, "1\n");
                            print1Fuel[s] = r.FuelConsumed;
                            if (b > 0) print1[s].Add(ms);
                        }
                    }

                var rows = new List<Row>();
                var ratios = new List<double>();
                for (int c = 0; c < cells.Count; c++)
                {
                    var n = Summary.Of(native[c]);
                    string key = "native-cell-" + cells[c].Name;
                    rows.Add(Row.Latency($"native python3 {cells[c].Name}.py (start to exit)", n, Judge.None, double.NaN, "baseline", key));
                    for (int s = 0; s < sides.Count; s++)
                    {
                        var o = Summary.Of(ours[s][c]);
                        double ratio = o.P50 / n.P50;
                        Modes.Log(FormattableString.Invariant(
                            $"cell {cells[c].Name}: {sides[s].Name} {o} (Duration p50 {Summary.Of(inner[s][c]).P50:0.000}) fuel {fuel[s][c]:N0}; native {n}; ratio {ratio:0.000}"));
                        if (s == 0) ratios.Add(ratio);
                        rows.Add(Row.Latency($"cell {cells[c].Name}, fresh stateless python{(s == 0 ? "" : $" ({sides[s].Name})")}", o, Judge.None, double.NaN, "info", key,
                            FormattableString.Invariant($"fuel {fuel[s][c]:N0}")));
                    }
                }
                for (int s = 0; s < sides.Count; s++)
                {
                    var p = Summary.Of(print1[s]);
                    Modes.Log(FormattableString.Invariant($"fresh print(1) {sides[s].Name}: {p}; fuel {print1Fuel[s]:N0}"));
                    rows.Add(Row.Latency($"fresh stateless python print(1), alternating with the cells run{(s == 0 ? "" : $" ({sides[s].Name})")}", p, Judge.None, double.NaN, "info",
                        "native-python", FormattableString.Invariant($"fuel {print1Fuel[s]:N0}")));
                }
                double geomean = Math.Exp(ratios.Average(Math.Log));
                Modes.Log(FormattableString.Invariant($"cells_vs_native (geomean of {ratios.Count}): {geomean:0.0000}"));
                rows.Add(Row.Value(GeomeanCase, "x", geomean, Judge.ValueAtMost, Target, $"<= {Target}x native",
                    $"{cells.Count} cells, p50 each, {rounds} rounds: " + string.Join(", ", cells.Select((c, i) => FormattableString.Invariant($"{c.Name} {ratios[i]:0.000}")))));
                Row.Append(output, rows);
            }
            finally
            {
                foreach (var (_, sandbox) in sides) await sandbox.DisposeAsync();
            }
        }
        finally
        {
            Paths.TryDelete(root);
        }
    }

    private static string WriteCell(string dir, int index, Cells.Cell cell)
    {
        string file = Path.Combine(dir, $"cell{index:00}.py");
        File.WriteAllText(file, cell.Code + "\n");
        return file;
    }

    /// <summary><c>/usr/bin/python3 FILE</c> in <paramref name="cwd"/>, process start to exit.</summary>
    private static (double Ms, string Stdout) NativeOnce(string file, string cwd)
    {
        var psi = new ProcessStartInfo(Processes.NativePython) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = cwd };
        psi.ArgumentList.Add(file);
        long t = Stopwatch.GetTimestamp();
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        double ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"native python3 {file} failed: exit {p.ExitCode}: {stderr.Result}");
        return (ms, stdout);
    }

    /// <summary>
    /// What importing each candidate module costs a fresh interpreter, with Wasmtime directly (a pooled fuel engine
    /// like the sandbox's, each import on a new instance restored from the start-up image): fuel and time beyond an
    /// empty cell, and the 4 KiB pages the import leaves different from the started image (what preloading it would
    /// add to every restore, roughly: pages the import dirties overlap). <paramref name="prelude"/>: code run after
    /// start-up before the image is taken (a trial of a preloaded image without rebuilding the runner).
    /// </summary>
    public static void Imports(IReadOnlyList<string> modules, int runs, string? prelude)
    {
        string app = Paths.NewTempDir("skwasm-bench-app");
        try
        {
            using var engine = new DirectEngine(fuel: true, pooling: true);
            using var module = engine.Load(Paths.PythonWasm, Paths.PersistentModuleCache(), true);
            var image = StartedImage(engine, module, app, prelude);
            Modes.Log($"start-up image: {image.Pages.Length} pages{(prelude is null ? "" : " with the prelude")}");
            using (var probe = Restored(engine, module, app, image))
            {
                probe.Exec("import sys; print(' '.join(sorted(sys.modules)))");
                Modes.Log("already in sys.modules: " + probe.Stdout.Trim());
            }
            var (emptyMs, emptyFuel, _) = Measure(engine, module, app, image, "pass", runs);
            Modes.Log(FormattableString.Invariant($"empty cell: {emptyMs:0.000} ms, fuel {emptyFuel:N0}"));
            var results = new List<(string Module, double Ms, long Fuel, int Pages)>();
            foreach (string m in modules)
            {
                var (ms, f, pages) = Measure(engine, module, app, image, $"import {m}", runs);
                results.Add((m, ms - emptyMs, f - emptyFuel, pages));
            }
            var (allMs, allFuel, allPages) = Measure(engine, module, app, image, "import " + string.Join(", ", modules), Math.Max(runs / 2, 3));
            Console.WriteLine("| module | import fuel (beyond an empty cell) | import time p50 ms (beyond) | pages left different | fuel per page |");
            Console.WriteLine("| --- | --- | --- | --- | --- |");
            foreach (var r in results.OrderByDescending(r => r.Fuel))
                Console.WriteLine(FormattableString.Invariant($"| {r.Module} | {r.Fuel:N0} | {r.Ms:0.000} | {r.Pages} | {(r.Pages > 0 ? r.Fuel / r.Pages : 0):N0} |"));
            Console.WriteLine(FormattableString.Invariant($"| all {modules.Count} at once | {allFuel - emptyFuel:N0} | {allMs - emptyMs:0.000} | {allPages} | |"));
        }
        finally
        {
            Paths.TryDelete(app);
        }
    }

    /// <summary>
    /// Trial images with Wasmtime directly: for each prelude (code run after start-up, before the image is taken), the
    /// image's pages, then fresh cycles (instantiate, apply, print(1), dispose) and each cell on a restored instance,
    /// alternating between the images.
    /// </summary>
    public static void ImageTrial(IReadOnlyList<string> preludes, int rounds)
    {
        string app = Paths.NewTempDir("skwasm-bench-app");
        try
        {
            using var engine = new DirectEngine(fuel: true, pooling: true);
            using var module = engine.Load(Paths.PythonWasm, Paths.PersistentModuleCache(), true);
            var images = preludes.Select(p => StartedImage(engine, module, app, p.Length == 0 ? null : p)).ToArray();
            var print1 = images.Select(_ => new List<double>()).ToArray();
            var cells = images.Select(_ => Cells.All.Select(_ => new List<double>()).ToArray()).ToArray();
            var cellFuel = images.Select(_ => new long[Cells.All.Count]).ToArray();
            for (int round = 0; round < rounds + 2; round++)
                for (int k = 0; k < images.Length; k++)
                {
                    int v = (k + round) % images.Length;
                    for (int i = 0; i < 20; i++)
                    {
                        long t = Stopwatch.GetTimestamp();
                        using (var g = Restored(engine, module, app, images[v]))
                            if (g.Exec("print(1)") != 0) throw new InvalidOperationException(g.Stderr);
                        if (round >= 2) print1[v].Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    }
                    for (int c = 0; c < Cells.All.Count; c++)
                    {
                        long t = Stopwatch.GetTimestamp();
                        using (var g = Restored(engine, module, app, images[v]))
                        {
                            if (g.Exec(Cells.All[c].Code) != 0) throw new InvalidOperationException(Cells.All[c].Name + ": " + g.Stderr);
                            cellFuel[v][c] = g.LastFuel;
                        }
                        if (round >= 2) cells[v][c].Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    }
                }
            for (int v = 0; v < images.Length; v++)
            {
                Console.WriteLine(FormattableString.Invariant($"image {v} ({images[v].Pages.Length} pages, memory {images[v].Length / 1048576.0:0.0} MiB): prelude '{(preludes[v].Length > 80 ? preludes[v][..80] + "…" : preludes[v])}'"));
                Console.WriteLine($"  fresh cycle print(1): {Summary.Of(print1[v])}");
                for (int c = 0; c < Cells.All.Count; c++)
                    Console.WriteLine(FormattableString.Invariant($"  {Cells.All[c].Name,-28} p50 {Summary.Of(cells[v][c]).P50:0.000} ms  fuel {cellFuel[v][c],14:N0}"));
            }
        }
        finally
        {
            Paths.TryDelete(app);
        }
    }

    /// <summary>Fuel, time and pages of each piece of code on an instance restored from the start-up image (with an optional prelude).</summary>
    public static void Fuel(IReadOnlyList<string> codes, int runs, string? prelude)
    {
        string app = Paths.NewTempDir("skwasm-bench-app");
        try
        {
            using var engine = new DirectEngine(fuel: true, pooling: true);
            using var module = engine.Load(Paths.PythonWasm, Paths.PersistentModuleCache(), true);
            var image = StartedImage(engine, module, app, prelude);
            string root = Paths.NewTempDir("skwasm-bench-fuel");
            using var sandbox = new WasmCodeSandbox(SandboxCases.Options(root, Paths.PersistentModuleCache()));
            sandbox.Warmup(Language.Python);
            foreach (string code in codes)
            {
                var (ms, f, pages) = Measure(engine, module, app, image, code, runs);
                // The same code as a fresh stateless call through the sandbox: its fuel and the call's Duration.
                var times = new List<double>();
                long sandboxFuel = 0;
                for (int i = 0; i < runs + 2; i++)
                {
                    var r = sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code)).GetAwaiter().GetResult();
                    sandboxFuel = r.FuelConsumed;
                    if (i >= 2) times.Add(r.Duration.TotalMilliseconds);
                }
                Console.WriteLine(FormattableString.Invariant(
                    $"{f,14:N0} fuel {ms,8:0.000} ms {pages,5} pages | sandbox {sandboxFuel,14:N0} fuel {Summary.Of(times).P50,8:0.000} ms | {code.ReplaceLineEndings(" \\n ")}"));
            }
            Paths.TryDelete(root);
        }
        finally
        {
            Paths.TryDelete(app);
        }
    }

    private sealed record Image(int[] Pages, byte[] Data, long Length, int StackPointer);

    private static Image StartedImage(DirectEngine engine, Wasmtime.Module module, string app, string? prelude)
    {
        using var starter = new DirectGuest(engine, module, python: true, app);
        byte[] fresh = starter.CopyMemory();
        starter.Start();
        if (prelude is not null && starter.Exec(prelude) != 0) throw new InvalidOperationException("prelude failed: " + starter.Stderr);
        var (pages, data, length, sp) = starter.Diff(fresh);
        // How much of those pages actually differs: bytes, and 64-byte lines (what a copy of only the changed parts would move).
        long bytes = 0, lines = 0;
        for (int i = 0; i < pages.Length; i++)
            for (int l = 0; l < 4096; l += 64)
            {
                int at = pages[i] * 4096 + l;
                var now = data.AsSpan(i * 4096 + l, 64);
                var was = at + 64 <= fresh.Length ? fresh.AsSpan(at, 64) : new byte[64];
                if (!now.SequenceEqual(was)) lines++;
                for (int b = 0; b < 64; b++) if (now[b] != was[b]) bytes++;
            }
        int dataEnd = fresh.AsSpan().LastIndexOfAnyExcept((byte)0) / 4096 + 1;
        Modes.Log(FormattableString.Invariant($"data segments end at page {dataEnd}; image pages below it: {pages.Count(p => p < dataEnd)}"));
        Modes.Log(FormattableString.Invariant($"image of {pages.Length} pages ({pages.Length * 4096L:N0} bytes): {bytes:N0} bytes differ from a fresh instance, in {lines:N0} 64-byte lines ({lines * 64:N0} bytes)"));
        return new Image(pages, data, length, sp);
    }

    private static DirectGuest Restored(DirectEngine engine, Wasmtime.Module module, string app, Image image)
    {
        var g = new DirectGuest(engine, module, python: true, app);
        g.Apply(image.Pages, image.Data, image.Length, image.StackPointer);
        return g;
    }

    private static (double Ms, long Fuel, int Pages) Measure(DirectEngine engine, Wasmtime.Module module, string app, Image image, string code, int runs)
    {
        var times = new List<double>();
        long fuel = 0;
        int pages = 0;
        for (int i = 0; i < runs + 1; i++)
        {
            using var g = Restored(engine, module, app, image);
            byte[] before = i == 0 ? g.CopyMemory() : [];
            long t = Stopwatch.GetTimestamp();
            if (g.Exec(code) != 0) throw new InvalidOperationException($"{code}: {g.Stderr}");
            double ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (i == 0)
            {
                pages = g.Diff(before).Pages.Length;
                continue;
            }
            fuel = g.LastFuel;
            times.Add(ms);
        }
        return (Summary.Of(times).P50, fuel, pages);
    }
}
