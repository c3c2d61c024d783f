using Microsoft.Extensions.AI;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>One attempt: the code, what happened, and what the loop did about it.</summary>
public sealed record RepairAttempt
{
    public required int Number { get; init; }
    public required string Code { get; init; }
    public ExecutionResult? Result { get; init; }
    public ErrorGuidance? Guidance => Result?.Guidance;
    public string? CheckFailure { get; init; }
    public required long FuelBudget { get; init; }
    public UsageDetails? Usage { get; init; }
    public bool Passed { get; init; }

    /// <summary>How often this attempt's code was run again with more fuel before its <see cref="Result"/> (no model call).</summary>
    public int FuelReruns { get; init; }
}
