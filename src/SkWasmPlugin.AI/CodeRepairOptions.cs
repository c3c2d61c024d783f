using Microsoft.Extensions.AI;
using Polly;

namespace SkWasmPlugin.AI;

/// <summary>Options of the repair loop.</summary>
public sealed class CodeRepairOptions
{
    /// <summary>Most model calls (attempts). Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The fuel of the first attempt; null takes the sandbox default.</summary>
    public long? InitialFuel { get; set; }

    /// <summary>The loop may raise fuel itself, when the fuel analysis suggests it, up to this ceiling.</summary>
    public long FuelCeiling { get; set; } = 20_000_000_000;

    /// <summary>Lets the loop raise the fuel budget after an exhausted attempt.</summary>
    public bool AllowFuelIncrease { get; set; } = true;

    /// <summary>
    /// When a run runs out of fuel and the analysis suggests more, the same code is run again with the raised
    /// budget (doubling, up to <see cref="FuelCeiling"/>) up to this many times before the model is asked: a task
    /// that only needs more fuel then costs no model call. A program that still runs out reaches the model with the
    /// "loops forever" advice. 0: every exhausted run goes to the model.
    /// </summary>
    public int MaxFuelReruns { get; set; } = 3;

    /// <summary>Options passed to every model call.</summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>Inspects each program before it runs; false stops the loop with the verdict Refused.</summary>
    public Func<CodeApprovalRequest, ValueTask<bool>>? ApprovalHandler { get; set; }

    /// <summary>Retries for transient model faults (429, 5xx, timeouts). Null: 3 retries, exponential back-off from <see cref="RetryBaseDelay"/>.</summary>
    public ResiliencePipeline? ModelResilience { get; set; }

    /// <summary>First back-off delay of the default retry pipeline.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most characters of stdout/stderr quoted back to the model.</summary>
    public int MaxOutputCharsForModel { get; set; } = 4000;
}
