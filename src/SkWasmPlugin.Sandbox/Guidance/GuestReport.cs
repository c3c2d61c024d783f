using System.Text.Json;

namespace SkWasmPlugin.Sandbox.Guidance;

/// <summary>
/// The machine-readable report a runtime writes after each call (runtimes/ABI.md). The guest writes it, so
/// nothing in it is trusted: every string and list is capped here (the runtimes cap them too), and strings
/// that are not valid UTF-16 (a lone surrogate, as in a file name that is not UTF-8) are kept as their escapes.
/// </summary>
internal sealed record GuestReport
{
    /// <summary>Longest message kept, in characters.</summary>
    internal const int MaxMessageChars = 4000;

    /// <summary>Longest name, key, path or frame function kept, in characters.</summary>
    internal const int MaxNameChars = 300;

    /// <summary>Most candidates, keys or frames kept.</summary>
    internal const int MaxListItems = 200;

    /// <summary>Longest report read from guest memory, in bytes; a longer one is not read (the call gets generic guidance).</summary>
    internal const int MaxReportBytes = 256 * 1024;

    /// <summary>Longest value of the last expression kept, in characters (the guest cuts at the same length and adds a marker).</summary>
    internal const int MaxResultChars = 10_000;

    /// <summary>Room for the guest's own truncation marker ("… [n more characters]") past <see cref="MaxResultChars"/>.</summary>
    private const int ResultMarkerChars = 64;

    /// <summary>The report of a call that ended with exit code 0, no error and no value (shared: reports are immutable).</summary>
    private static readonly GuestReport Success = new();

    public int ExitCode { get; init; }
    public GuestError? Error { get; init; }

    /// <summary>The value of the cell's last expression, as the guest showed it (Python: repr); null when there is none.</summary>
    public string? Result { get; init; }

    /// <summary>Why the value could not be shown (its repr/formatting raised), for a note.</summary>
    public string? ResultError { get; init; }

    /// <summary>
    /// Reads a report (camelCase names, runtimes/ABI.md); null when there is none or it is not valid JSON. Read with <see cref="JsonDocument"/>
    /// rather than the serializer: on a process's first call the serializer's set-up alone took about 50 ms.
    /// </summary>
    public static GuestReport? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        // What both runtimes write for a call that ended well and left no value: most calls. Parsing it cost a few
        // microseconds of every warm call (a tenth of a JavaScript one).
        if (json is "{\"exitCode\":0,\"error\":null}" or "{\"exitCode\": 0, \"error\": null}") return Success;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            return new GuestReport
            {
                ExitCode = Int(root, "exitCode") ?? 0,
                Error = Prop(root, "error") is { ValueKind: JsonValueKind.Object } e ? ParseError(e) : null,
                Result = Prop(root, "result") is { ValueKind: JsonValueKind.String } r ? CapResult(StringOf(r)) : null,
                ResultError = Str(root, "resultError", MaxMessageChars),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static GuestError ParseError(JsonElement e) => new()
    {
        Type = Str(e, "type") ?? "Error",
        Message = Str(e, "message", MaxMessageChars) ?? "",
        Line = Int(e, "line"),
        Column = Int(e, "column"),
        Function = Str(e, "function"),
        Frames = Prop(e, "frames") is { ValueKind: JsonValueKind.Array } frames
            ? [.. frames.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.Object).TakeLast(MaxListItems).Select(f => new GuestFrame(Int(f, "line"), Str(f, "function")))]
            : [],
        Candidates = Strings(e, "candidates"),
        MissingName = Str(e, "missingName"),
        MissingKey = Str(e, "missingKey"),
        MissingModule = Str(e, "missingModule"),
        AvailableKeys = Strings(e, "availableKeys"),
        Errno = Str(e, "errno"),
        Path = Str(e, "path"),
        Code = Str(e, "code"),
    };

    /// <summary><paramref name="text"/> cut to <paramref name="max"/> characters (never inside a surrogate pair), saying how much was cut.</summary>
    internal static string Cap(string text, int max)
    {
        if (text.Length <= max) return text;
        int keep = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..keep] + $"… [{text.Length - keep:N0} more characters]";
    }

    /// <summary>The guest's value as sent when it is within the cap plus its marker; else cut here (the guest is not trusted to have cut it).</summary>
    private static string CapResult(string text) => text.Length <= MaxResultChars + ResultMarkerChars ? text : Cap(text, MaxResultChars);

    private static JsonElement? Prop(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v : null;

    private static string? Str(JsonElement e, string name, int max = MaxNameChars) => Prop(e, name) is { } v ? Text(v, max) : null;

    private static string? Text(JsonElement v, int max) => v.ValueKind switch
    {
        JsonValueKind.String => Cap(StringOf(v), max),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => Cap(v.GetRawText(), max),
        _ => null,
    };

    /// <summary>The string, or its JSON text (escapes kept, quotes dropped) when it is not valid UTF-16.</summary>
    private static string StringOf(JsonElement v)
    {
        try
        {
            return v.GetString()!;
        }
        catch (InvalidOperationException)
        {
            string raw = v.GetRawText();
            return raw.Length >= 2 ? raw[1..^1] : raw;
        }
    }

    private static int? Int(JsonElement e, string name) => Prop(e, name) is { } v
        ? v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt32(out int n) => n,
            JsonValueKind.String when int.TryParse(v.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int n) => n,
            _ => null,
        }
        : null;

    private static List<string>? Strings(JsonElement e, string name) => Prop(e, name) is { ValueKind: JsonValueKind.Array } a
        ? [.. a.EnumerateArray().Take(MaxListItems).Select(x => Text(x, MaxNameChars) ?? Cap(x.GetRawText(), MaxNameChars))]
        : null;
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
