using System.Text.Json;
using System.Text.Json.Serialization;

namespace SkWasmPlugin.AgentFramework;

/// <summary>Source-generated JSON for the state kept in agent sessions (trimming and NativeAOT safe).</summary>
[JsonSerializable(typeof(SandboxSessionState))]
internal sealed partial class AgentFrameworkJsonContext : JsonSerializerContext;

internal static class AgentFrameworkJson
{
    public static JsonSerializerOptions Options { get; } = new(AgentFrameworkJsonContext.Default.Options);
}
