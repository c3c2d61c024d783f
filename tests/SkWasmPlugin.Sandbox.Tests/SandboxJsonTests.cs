using System.Text.Json;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>The shared result JSON: generated metadata, the documented shape, and a clear refusal of unknown types.</summary>
public sealed class SandboxJsonTests
{
    private static ExecutionResult Failed() => new()
    {
        Outcome = ExecutionOutcome.FuelExhausted,
        Language = Language.Python,
        Stdout = "a < b & 'c'\n",
        FuelConsumed = 10,
        FuelBudget = 10,
        Duration = TimeSpan.FromMilliseconds(1.5),
        Guidance = new ErrorGuidance { ErrorType = "OutOfFuel", Message = "'x' ran out", Category = "resource", Fix = "Raise fuel." },
        FuelAnalysis = new FuelAnalysis { Consumed = 10, Budget = 10, UtilizationPercent = 100, Status = FuelStatus.Exhausted, Advice = "Raise it." },
    };

    [Fact]
    public void Results_are_camel_case_with_string_enums_and_no_needless_escapes()
    {
        using var doc = JsonDocument.Parse(SandboxJson.Serialize(Failed()));
        var root = doc.RootElement;
        Assert.Equal("fuelExhausted", root.GetProperty("outcome").GetString());
        Assert.Equal("python", root.GetProperty("language").GetString());
        Assert.Equal(1.5, root.GetProperty("durationMs").GetDouble());
        Assert.Equal("exhausted", root.GetProperty("fuelAnalysis").GetProperty("status").GetString());
        Assert.False(root.TryGetProperty("sessionId", out _)); // nulls left out
        Assert.False(root.TryGetProperty("duration", out _));  // [JsonIgnore]
        string text = SandboxJson.Serialize(Failed());
        Assert.Contains("a < b & 'c'\\n", text);
        Assert.Contains("\"'x' ran out\"", text);
    }

    [Fact]
    public void Indented_output_has_the_same_content()
    {
        string compact = SandboxJson.Serialize(Failed());
        string indented = SandboxJson.Serialize(Failed(), indented: true);
        Assert.Contains('\n', indented);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(compact).RootElement, JsonDocument.Parse(indented).RootElement));
    }

    [Fact]
    public void Types_outside_the_generated_set_are_refused_clearly()
    {
        Assert.Throws<NotSupportedException>(() => SandboxJson.Serialize(new Uri("https://example.org")));
    }
}
