using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>A task for the repair loop: what to build, and how to tell that it works.</summary>
public sealed record CodeRepairTask(string Description, Language Language)
{
    /// <summary>Standard input for every run.</summary>
    public string? Stdin { get; init; }

    /// <summary>When set, stdout (trimmed) must equal this.</summary>
    public string? ExpectedOutput { get; init; }

    /// <summary>Test code appended to the model's code (e.g. asserts); the run must then succeed.</summary>
    public string? TestCode { get; init; }

    /// <summary>A check of the result: return null when it is right, or what is wrong (sent to the model).</summary>
    public Func<ExecutionResult, string?>? Checker { get; init; }

    /// <summary>Run every attempt in this session (state persists); null runs each attempt fresh.</summary>
    public string? SessionId { get; init; }
}
