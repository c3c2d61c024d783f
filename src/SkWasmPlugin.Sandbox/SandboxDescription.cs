namespace SkWasmPlugin.Sandbox;

/// <summary>A summary of the sandbox for tools that list runtimes.</summary>
public sealed record SandboxDescription(
    IReadOnlyList<RuntimeDescription> Runtimes,
    LimitsDescription DefaultLimits,
    LimitsDescription MaximumLimits,
    IReadOnlyList<string> VendoredPackages);
