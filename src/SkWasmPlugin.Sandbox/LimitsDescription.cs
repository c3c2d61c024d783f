namespace SkWasmPlugin.Sandbox;

/// <summary>A set of limits, in plain units.</summary>
public sealed record LimitsDescription(long Fuel, long MemoryMb, double TimeoutSeconds, int StdoutBytes, int StderrBytes);
