using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SkWasmPlugin.Sandbox;

/// <summary>
/// The JSON shape of results everywhere (CLI --json, tools, MCP): camelCase, nulls left out, enums as camelCase
/// strings, only the characters JSON requires escaped. Generated at build time for this library's public result
/// types, so it works in trimmed and NativeAOT-compiled apps.
/// </summary>
/// <remarks>
/// Only the types listed on <see cref="SandboxJsonContext"/> are known; serialising any other type throws
/// <see cref="NotSupportedException"/>. To serialise your own types in the same shape, combine
/// <see cref="TypeInfoResolver"/> with your own <see cref="JsonSerializerContext"/>.
/// </remarks>
public static class SandboxJson
{
    /// <summary>The generated metadata for the sandbox's result types.</summary>
    public static IJsonTypeInfoResolver TypeInfoResolver => SandboxJsonContext.Default;

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
            // Read by models and people, never embedded in HTML: "'x' is not defined", not "\u0027x\u0027 …".
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = SandboxJsonContext.Default,
            Converters =
            {
                new JsonStringEnumConverter<ExecutionOutcome>(JsonNamingPolicy.CamelCase),
                new JsonStringEnumConverter<FuelStatus>(JsonNamingPolicy.CamelCase),
                new JsonStringEnumConverter<WorkspaceFileChangeKind>(JsonNamingPolicy.CamelCase),
            },
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The metadata of <typeparamref name="T"/> with <see cref="Options"/> (or <see cref="Indented"/>).</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the sandbox's result types.</exception>
    public static JsonTypeInfo<T> TypeInfo<T>(bool indented = false) =>
        (JsonTypeInfo<T>)(indented ? Indented : Options).GetTypeInfo(typeof(T));

    /// <summary>Serialises one of the sandbox's result types.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the sandbox's result types.</exception>
    public static string Serialize<T>(T value, bool indented = false) => JsonSerializer.Serialize(value, TypeInfo<T>(indented));
}

/// <summary>The result types <see cref="SandboxJson"/> knows.</summary>
[JsonSerializable(typeof(ExecutionResult))]
[JsonSerializable(typeof(ErrorGuidance))]
[JsonSerializable(typeof(FuelAnalysis))]
[JsonSerializable(typeof(SandboxDescription))]
[JsonSerializable(typeof(SandboxStatistics))]
[JsonSerializable(typeof(SessionInfo))]
[JsonSerializable(typeof(WorkspaceInfo))]
[JsonSerializable(typeof(WorkspaceFile))]
[JsonSerializable(typeof(IReadOnlyList<WorkspaceFile>))]
[JsonSerializable(typeof(IReadOnlyList<SessionInfo>))]
[JsonSerializable(typeof(PruneReport))]
[JsonSerializable(typeof(ExecutionLimits))]
internal sealed partial class SandboxJsonContext : JsonSerializerContext;
