using System.Text.Json;
using System.Text.Json.Nodes;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>Formats results compactly for a model's context: long output keeps its head and tail.</summary>
public static class ModelResultFormatter
{
    /// <summary>The compact JSON object for one execution.</summary>
    public static JsonObject ToJson(ExecutionResult result, int maxChars)
    {
        var json = new JsonObject
        {
            ["outcome"] = JsonNamingPolicy.CamelCase.ConvertName(result.Outcome.ToString()),
            ["exitCode"] = result.ExitCode,
            ["stdout"] = HeadTail(result.Stdout, maxChars),
            ["stderr"] = HeadTail(result.Stderr, maxChars / 2),
            ["durationMs"] = result.DurationMs,
        };
        // The one-time start of a runtime (loading, or compiling on first use) is reported apart from the call.
        if (result.StartupMs > 0) json["startupMs"] = result.StartupMs;
        if (result.Result is not null) json["result"] = result.Result;
        if (result.SessionId is not null) json["sessionId"] = result.SessionId;
        if (result.StdoutTruncated || result.Stdout.Length > maxChars) json["stdoutTruncated"] = true;
        if (result.StderrTruncated || result.Stderr.Length > maxChars / 2) json["stderrTruncated"] = true;
        if (result.Guidance is { } g) json["guidance"] = JsonSerializer.SerializeToNode(g, SandboxJson.TypeInfo<ErrorGuidance>());
        if (result.FuelAnalysis is { } f) json["fuelAnalysis"] = JsonSerializer.SerializeToNode(f, SandboxJson.TypeInfo<FuelAnalysis>());
        if (result.PeakMemoryBytes > 0) json["peakMemoryBytes"] = result.PeakMemoryBytes;
        if (result.Files.Count > 0)
        {
            json["files"] = new JsonArray([.. result.Files.Select(f => (JsonNode)new JsonObject
            {
                ["path"] = f.Path, ["size"] = f.Size, ["mediaType"] = f.MediaType,
                ["change"] = JsonNamingPolicy.CamelCase.ConvertName(f.Change.ToString()),
            })]);
            if (result.FilesTruncated) json["filesTruncated"] = true;
        }
        if (result.Notes.Count > 0) json["notes"] = Strings(result.Notes);
        return json;
    }

    /// <summary>The compact JSON text for one execution.</summary>
    public static string Format(ExecutionResult result, int maxChars) => ToJson(result, maxChars).ToJsonString(SandboxJson.Options);

    /// <summary>A JSON array of strings.</summary>
    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);

    /// <summary>Keeps the first and last parts of a long text with a marker of what was cut.</summary>
    public static string HeadTail(string text, int maxChars)
    {
        if (text.Length <= maxChars || maxChars < 64) return text;
        int head = maxChars * 2 / 3, tail = maxChars - head;
        return text[..head] + $"\n… [{text.Length - head - tail:N0} characters omitted] …\n" + text[^tail..];
    }

    /// <summary>A tool error the model can read (bad arguments, unknown session, refused code).</summary>
    public static string Error(string kind, string message) =>
        new JsonObject { ["error"] = message, ["kind"] = kind }.ToJsonString(SandboxJson.Options);
}
