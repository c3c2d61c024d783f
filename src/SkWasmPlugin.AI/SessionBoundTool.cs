using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace SkWasmPlugin.AI;

/// <summary>
/// A sandbox tool fixed to one session: the model sees it without a <c>sessionId</c> parameter and cannot reach any
/// other session, whatever it sends.
/// </summary>
internal sealed class SessionBoundTool : DelegatingAIFunction
{
    private readonly SandboxTool _tool;
    private readonly string _sessionId;

    public SessionBoundTool(SandboxTool tool, string sessionId)
        : base(tool)
    {
        _tool = tool;
        _sessionId = sessionId;
        JsonSchema = WithoutSessionId(tool.JsonSchema);
    }

    public override JsonElement JsonSchema { get; }

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var bound = new AIFunctionArguments(arguments.Where(a => a.Key != SandboxTool.SessionIdParameterName).ToDictionary(a => a.Key, a => a.Value))
        {
            [SandboxTool.SessionIdParameterName] = _sessionId,
        };
        bound.Services = arguments.Services;
        bound.Context = arguments.Context;
        return (await _tool.InvokeToolAsync(bound, cancellationToken).ConfigureAwait(false)).ToFunctionResult();
    }

    private static JsonElement WithoutSessionId(JsonElement schema)
    {
        var node = JsonNode.Parse(schema.GetRawText())!.AsObject();
        (node["properties"] as JsonObject)?.Remove(SandboxTool.SessionIdParameterName);
        if (node["required"] is JsonArray required)
        {
            foreach (var item in required.Where(r => (string?)r == SandboxTool.SessionIdParameterName).ToList()) required.Remove(item);
        }
        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }
}
