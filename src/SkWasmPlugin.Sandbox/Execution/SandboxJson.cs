using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SkWasmPlugin.Sandbox;

/// <summary>The JSON shape of results everywhere (CLI --json, tools, MCP): camelCase, enums as camelCase strings.</summary>
/// <remarks>
/// Reflection-based (any result type, the callers' own included), so not for trimmed or NativeAOT apps; the
/// sandbox itself does not use it (its own JSON is source-generated).
/// </remarks>
[RequiresUnreferencedCode("SandboxJson serializes with reflection; a trimmed app may lose members of the serialized types.")]
[RequiresDynamicCode("SandboxJson serializes with reflection, which NativeAOT cannot compile ahead of time.")]
public static class SandboxJson
{
    /// <summary>Compact options.</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>Indented options for people.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Serialises a value with <see cref="Options"/>.</summary>
    public static string Serialize<T>(T value, bool indented = false) =>
        JsonSerializer.Serialize(value, indented ? Indented : Options);
}
