using System.Globalization;
using BenchmarkDotNet.Running;
using SkWasmPlugin.Benchmarks;
using SkWasmPlugin.Sandbox;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0)
{
    Console.Error.WriteLine("""
        usage: SkWasmPlugin.Benchmarks <mode> [options]
          bdn [BenchmarkDotNet args]            BenchmarkDotNet (e.g. bdn --filter '*'); short in-process jobs
          compare [--out F] [--quick]           in-process cases (warm, fresh, recovery, concurrency, memory, fuel, phases)
          native [--out F] [--runs N]           /usr/bin/python3 -c and /usr/bin/node -e baselines
          first-run-all [--out F] [--cold N] [--warm N] [--variant NAME] [--child-exe PATH] [--judge-first-call]   first execution after process start, in child processes
          conc --lang L [--sessions N] [--calls K] [--no-pool] [--no-persist] [--no-trim] [--keep-resident BYTES] [--runtimes DIR] [--out F]   N live sessions: memory, concurrent latency, destroy
          fresh [--calls N]                     fresh stateless calls only (both languages, one process): quick side-by-side checks
          cells [--rounds N] [--before DIR] [--out F]   realistic agent cells fresh vs native python3 file.py (and another runtimes tree side by side)
          imports [--runs N] [--prelude CODE]   import cost of candidate stdlib modules (fuel, time, pages), Wasmtime directly
          fuel --code CODE... [--prelude CODE]  fuel, time and pages of pieces of code on a restored instance, Wasmtime directly
          image-trial --prelude CODE... [--rounds N]   trial start-up images (code run after start-up), alternating, Wasmtime directly
          mcp --exe PATH [--runs N] [--out F]   skwasm mcp over stdio: initialize and first execute_code, from process start
          peers --node PATH --script F --modules DIR [--rounds R] [--quick] [--out F]   ours vs quickjs-emscripten and Pyodide in Node (bench/peers/peers.mjs), one run
          cli --exe PATH [--runs N] [--out F]   the skwasm command line, start to exit, empty and warm module cache
          keep-resident [--instances N] [--out F]   pooling keep-resident 16 MiB vs 0, Wasmtime directly
          first-run --cache DIR --lang L [--t0 TS] [--work DIR]   the child itself
          report --in F                         the table from the rows of the modes above
          hello                                 prints 4 (the .NET host start-up baseline)
        Rows are TSV, appended to --out (stdout when absent). See bench/README.md.
        """);
    return 2;
}

string mode = args[0];
var rest = args.Skip(1).ToArray();
string? Opt(string name) => Array.IndexOf(rest, name) is int i and >= 0 && i + 1 < rest.Length ? rest[i + 1] : null;
bool Flag(string name) => rest.Contains(name);
int IntOpt(string name, int fallback) => Opt(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

switch (mode)
{
    case "bdn":
        BenchmarkSwitcher.FromTypes([typeof(SandboxBenchmarks), typeof(FuelBenchmarks)]).Run(rest, BenchConfig.Short());
        return 0;
    case "compare":
        await Modes.Compare(Opt("--out"), Flag("--quick"));
        return 0;
    case "conc":
    {
        if (!Languages.TryParse(Opt("--lang") ?? "python", out var language)) throw new ArgumentException("--lang python|javascript");
        await Modes.Concurrency(Opt("--out"), language, IntOpt("--sessions", 100), IntOpt("--calls", 20), Flag("--no-pool"), Flag("--no-persist"),
            Opt("--keep-resident") is { } keep ? long.Parse(keep, CultureInfo.InvariantCulture) : null, Opt("--runtimes"), Flag("--no-trim"));
        return 0;
    }
    case "keep-resident":
        Modes.KeepResident(Opt("--out"), IntOpt("--instances", 100));
        return 0;
    case "native":
        Modes.Native(Opt("--out"), IntOpt("--runs", 30));
        return 0;
    case "first-run-all":
        Modes.FirstRunAll(Opt("--out"), IntOpt("--cold", 2), IntOpt("--warm", 5), Opt("--variant"), Opt("--child-exe"), args.Contains("--judge-first-call"));
        return 0;
    case "fresh":
    {
        // --runtimes DIR: another runtimes tree (e.g. a copy of the one before a change), for side-by-side runs.
        string root = Paths.NewTempDir("skwasm-bench-fresh");
        var freshOptions = SandboxCases.Options(root, Paths.PersistentModuleCache());
        freshOptions.RuntimesPath = Opt("--runtimes");
        await using (var sandbox = new WasmCodeSandbox(freshOptions))
        {
            sandbox.Warmup();
            await sandbox.WhenOptimizedAsync();
            foreach (var lang in Languages.All)
                Console.WriteLine($"fresh {lang.Name()}: {await SandboxCases.Fresh(sandbox, lang, 50, IntOpt("--calls", 400))}");
        }
        Paths.TryDelete(root);
        return 0;
    }
    case "cells":
        await CellCases.Run(Opt("--out"), IntOpt("--rounds", 30), IntOpt("--warmup", 3), Opt("--before"), Opt("--runtimes"));
        return 0;
    case "imports":
        CellCases.Imports(Opt("--modules")?.Split(',') ?? Cells.Candidates, IntOpt("--runs", 9), Opt("--prelude"));
        return 0;
    case "fuel":
        CellCases.Fuel(rest.Where((a, i) => i > 0 && rest[i - 1] == "--code").ToArray(), IntOpt("--runs", 9), Opt("--prelude"));
        return 0;
    case "image-trial":
        // Every value after a --prelude is one trial image; "" is the image as built.
        CellCases.ImageTrial(rest.Where((a, i) => i > 0 && rest[i - 1] == "--prelude").ToArray(), IntOpt("--rounds", 10));
        return 0;
    case "mcp":
        Modes.Mcp(Opt("--out"), Opt("--exe") ?? throw new ArgumentException("--exe PATH (skwasm published NativeAOT) is required"), IntOpt("--runs", 9));
        return 0;
    case "peers":
        await Peers.Run(Opt("--out"), Opt("--node") ?? "node", Opt("--script") ?? throw new ArgumentException("--script bench/peers/peers.mjs is required"),
            Opt("--modules") ?? throw new ArgumentException("--modules DIR (where quickjs-emscripten and pyodide are installed) is required"), Flag("--quick"),
            IntOpt("--rounds", Flag("--quick") ? 2 : 5));
        return 0;
    case "cli":
        Modes.Cli(Opt("--out"), Opt("--exe") ?? throw new ArgumentException("--exe PATH (skwasm published NativeAOT) is required"), IntOpt("--runs", 15));
        return 0;
    case "first-run":
        return await SandboxCases.FirstRunChild(rest);
    case "hello":
        Console.WriteLine(2 + 2); // the .NET host's own start-up cost, for the native baselines
        return 0;
    case "report":
        return Report.Print(rest.Where((a, i) => i > 0 && rest[i - 1] == "--in").ToArray());
    default:
        Console.Error.WriteLine($"unknown mode '{mode}'");
        return 2;
}
