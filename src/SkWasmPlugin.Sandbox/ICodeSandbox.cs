namespace SkWasmPlugin.Sandbox;

/// <summary>Runs untrusted Python and JavaScript under hard limits and returns structured results.</summary>
public interface ICodeSandbox
{
    /// <summary>
    /// Runs one program. Guest failures (errors, limits, traps) come back as an <see cref="ExecutionResult"/>;
    /// invalid requests throw <see cref="ArgumentException"/>, unknown sessions <see cref="SessionNotFoundException"/>.
    /// </summary>
    Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Sessions: persistent state and a workspace at /app.</summary>
    ISessionManager Sessions { get; }

    /// <summary>What the sandbox offers: languages, versions, limits, vendored packages.</summary>
    SandboxDescription Describe();
}

/// <summary>A summary of the sandbox for tools that list runtimes.</summary>
public sealed record SandboxDescription(
    IReadOnlyList<RuntimeDescription> Runtimes,
    LimitsDescription DefaultLimits,
    LimitsDescription MaximumLimits,
    IReadOnlyList<string> VendoredPackages);

/// <summary>One guest runtime.</summary>
public sealed record RuntimeDescription(string Language, string Engine, string Version, IReadOnlyList<string> Notes);

/// <summary>A set of limits, in plain units.</summary>
public sealed record LimitsDescription(long Fuel, long MemoryMb, double TimeoutSeconds, int StdoutBytes, int StderrBytes);

/// <summary>Counters of a <see cref="WasmCodeSandbox"/>.</summary>
/// <param name="ModuleCacheHits">Modules loaded from the on-disk cache.</param>
/// <param name="ModuleCacheMisses">Modules compiled.</param>
/// <param name="LiveInterpreters">Session interpreters currently in memory.</param>
/// <param name="Runtimes">Start-up cost of each runtime started so far.</param>
public sealed record SandboxStatistics(int ModuleCacheHits, int ModuleCacheMisses, int LiveInterpreters, IReadOnlyDictionary<string, RuntimeStartup> Runtimes);

/// <summary>What starting one runtime cost (once per process).</summary>
public sealed record RuntimeStartup(double Milliseconds, long Fuel, int SnapshotPages);
