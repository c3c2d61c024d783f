using SkWasmPlugin.Benchmarks;

// The first-run child of bench/compare.sh on its own: same arguments as "SkWasmPlugin.Benchmarks first-run".
return await SandboxCases.FirstRunChild(args.SkipWhile(a => a == "first-run").ToArray());
