using System.Diagnostics.Metrics;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>The sandbox's metrics reach a listener (they are skipped only while nothing listens).</summary>
[Collection(SandboxCollection.Name)]
public sealed class TelemetryTests(SandboxFixture fixture)
{
    [Fact]
    public async Task A_meter_listener_gets_each_execution_with_its_language_and_outcome()
    {
        var seen = new List<(string Instrument, string? Language, string? Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SandboxTelemetry.Name) l.EnableMeasurementEvents(instrument);
        };
        void OnMeasurement<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            string? language = null, outcome = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "language") language = tag.Value as string;
                if (tag.Key == "outcome") outcome = tag.Value as string;
            }
            lock (seen) seen.Add((instrument.Name, language, outcome));
        }
        listener.SetMeasurementEventCallback<long>(OnMeasurement);
        listener.SetMeasurementEventCallback<double>(OnMeasurement);
        listener.Start();

        var r = await fixture.Sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log('telemetry-probe')"));
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        lock (seen)
        {
            // Other tests of the collection may run calls meanwhile: look for this call's kind among what arrived.
            foreach (string name in new[] { "skwasm.executions", "skwasm.execution.duration", "skwasm.execution.fuel" })
                Assert.Contains((name, (string?)"javascript", (string?)"Success"), seen);
        }
    }
}
