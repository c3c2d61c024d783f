namespace SkWasmPlugin.Sandbox;

/// <summary>Counters of a <see cref="WasmCodeSandbox"/>.</summary>
/// <param name="ModuleCacheHits">Modules loaded from the on-disk cache.</param>
/// <param name="ModuleCacheMisses">Modules compiled.</param>
/// <param name="LiveInterpreters">Session interpreters currently in memory.</param>
/// <param name="Runtimes">Start-up cost of each runtime started so far.</param>
public sealed record SandboxStatistics(int ModuleCacheHits, int ModuleCacheMisses, int LiveInterpreters, IReadOnlyDictionary<string, RuntimeStartup> Runtimes);
