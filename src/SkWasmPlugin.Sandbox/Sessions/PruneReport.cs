namespace SkWasmPlugin.Sandbox;

/// <summary>What a prune removed.</summary>
public sealed record PruneReport(IReadOnlyList<string> Removed, int Remaining);
