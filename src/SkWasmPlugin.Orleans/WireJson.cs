using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

/// <summary>
/// How the sandbox's own types (session and file records, guidance) cross the wire between a client and a silo:
/// System.Text.Json through Orleans' JSON codec, so they need no Orleans attributes (the types of every call have
/// Orleans surrogates instead, for speed: WireSurrogates.cs). Unlike the JSON shown to
/// models (<see cref="SandboxJson"/>), this keeps everything a value holds: members left out of that JSON
/// (<see cref="ExecutionResult.Duration"/>, a file change's bytes) are written here too. Exceptions are not JSON: Orleans
/// carries them with their type and message.
/// </summary>
internal static class WireJson
{
    private static readonly Assembly SandboxAssembly = typeof(ICodeSandbox).Assembly;

    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Types of every call with an Orleans surrogate of their own (WireSurrogates.cs).</summary>
    private static readonly HashSet<Type> Surrogated = [typeof(ExecutionRequest), typeof(ExecutionLimits), typeof(ExecutionResult), typeof(FuelAnalysis)];

    /// <summary>The sandbox's public data types (not its exceptions, nor the compiler's hidden collection types, nor the surrogated ones).</summary>
    public static bool IsSandboxType(Type type) =>
        type.Assembly == SandboxAssembly && (type.IsPublic || type.IsNestedPublic) && !typeof(Exception).IsAssignableFrom(type) && !Surrogated.Contains(type);

    private static JsonSerializerOptions Create()
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(IncludeHiddenMembers);
        var options = new JsonSerializerOptions { TypeInfoResolver = resolver };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Writes the settable members a sandbox type hides from its model-facing JSON with [JsonIgnore].</summary>
    private static void IncludeHiddenMembers(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || info.Type.Assembly != SandboxAssembly) return;
        foreach (var member in info.Properties)
        {
            if (member.AttributeProvider is not PropertyInfo property || property.GetCustomAttribute<JsonIgnoreAttribute>() is null
                || property.SetMethod is not { IsPublic: true } setter) continue;
            member.Get = property.GetValue;
            member.Set = (target, value) => setter.Invoke(target, [value]);
            member.ShouldSerialize = null;
        }
    }
}
