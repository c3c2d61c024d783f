using System.Text.Json;
using System.Text.Json.Serialization;

namespace SkWasmPlugin.Sandbox.Guidance;

/// <summary>The machine-readable report a runtime writes after each call (runtimes/ABI.md).</summary>
internal sealed record GuestReport
{
    public int ExitCode { get; init; }
    public GuestError? Error { get; init; }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public static GuestReport? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonSerializer.Deserialize<GuestReport>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The error part of a report.</summary>
internal sealed record GuestError
{
    public string Type { get; init; } = "Error";
    public string Message { get; init; } = "";
    public int? Line { get; init; }
    public int? Column { get; init; }
    public string? Function { get; init; }
    public List<GuestFrame> Frames { get; init; } = [];
    public List<string>? Candidates { get; init; }
    public string? MissingName { get; init; }
    public string? MissingKey { get; init; }
    public string? MissingModule { get; init; }
    public List<string>? AvailableKeys { get; init; }
    public string? Errno { get; init; }
    public string? Path { get; init; }
    public string? Code { get; init; }
}

/// <summary>One frame of the user's code.</summary>
internal sealed record GuestFrame(int? Line, string? Function);
