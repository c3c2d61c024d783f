using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SkWasmPlugin.Sandbox;

/// <summary>The sandbox's one <see cref="ActivitySource"/> and <see cref="Meter"/>, both named after the assembly.</summary>
public static class SandboxTelemetry
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "SkWasmPlugin.Sandbox";

    /// <summary>Traces: an activity per execution.</summary>
    public static readonly ActivitySource Source = new(Name, "0.1.0");

    private static readonly Meter Meter = new(Name, "0.1.0");
    private static readonly Counter<long> Executions = Meter.CreateCounter<long>("skwasm.executions", description: "Executions by language and outcome");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("skwasm.execution.duration", "ms", "Wall-clock time per execution");
    private static readonly Histogram<long> Fuel = Meter.CreateHistogram<long>("skwasm.execution.fuel", "instructions", "Fuel consumed per execution");

    internal static void Record(ExecutionResult result)
    {
        // Nothing listens (no meter listener or exporter): skip building the tags, on every call's path.
        if (!Executions.Enabled && !Duration.Enabled && !Fuel.Enabled) return;
        var tags = new TagList { { "language", result.Language.Name() }, { "outcome", result.Outcome.ToString() } };
        Executions.Add(1, tags);
        Duration.Record(result.DurationMs, tags);
        Fuel.Record(result.FuelConsumed, tags);
    }
}
