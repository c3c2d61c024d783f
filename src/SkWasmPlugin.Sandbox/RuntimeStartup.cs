namespace SkWasmPlugin.Sandbox;

/// <summary>What starting one runtime cost (once per process).</summary>
public sealed record RuntimeStartup(double Milliseconds, long Fuel, int SnapshotPages);
