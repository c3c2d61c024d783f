namespace SkWasmPlugin.Sandbox;

/// <summary>
/// Per-call limits. Any value left null takes the host default; any value given is checked against the
/// host maximum (see <see cref="SandboxOptions"/>), and a request over it is refused with a clear error.
/// </summary>
public sealed record ExecutionLimits
{
    /// <summary>Instruction budget (Wasmtime fuel units).</summary>
    public long? Fuel { get; init; }

    /// <summary>Maximum guest linear memory, in bytes.</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>Wall-clock limit for the call.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Most stdout bytes kept; the program is stopped once it writes more.</summary>
    public int? MaxStdoutBytes { get; init; }

    /// <summary>Most stderr bytes kept; the program is stopped once it writes more.</summary>
    public int? MaxStderrBytes { get; init; }
}

/// <summary>The limits in force for one call, after defaults and maximums were applied.</summary>
public sealed record EffectiveLimits(long Fuel, long MemoryBytes, TimeSpan Timeout, int MaxStdoutBytes, int MaxStderrBytes);
