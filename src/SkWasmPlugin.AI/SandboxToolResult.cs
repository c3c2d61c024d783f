using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>
/// What a sandbox tool returns, typed until a skin's edge: the JSON object a model reads, whether it is a tool error
/// (<c>{"error", "kind"}</c>), the execution behind it, and the images it made. Each skin turns it into its own shape
/// (M.E.AI contents, an SK function result, an MCP <c>CallToolResult</c>) from here, so no skin formats results itself.
/// </summary>
public sealed class SandboxToolResult
{
    private SandboxToolResult(JsonObject value, bool isError, ExecutionResult? execution, IReadOnlyList<DataContent> images)
    {
        Json = value.ToJsonString(SandboxJson.Options);
        using var document = JsonDocument.Parse(Json);
        Value = document.RootElement.Clone();
        IsError = isError;
        Execution = execution;
        Images = images;
    }

    /// <summary>The result as the JSON object a model reads.</summary>
    public JsonElement Value { get; }

    /// <summary>The result as JSON text.</summary>
    public string Json { get; }

    /// <summary>True for a tool error (bad arguments, unknown session, refusal); a program that failed is not one.</summary>
    public bool IsError { get; }

    /// <summary>The error's kind (<c>invalid_argument</c>, <c>session_not_found</c>, …) for a tool error; otherwise null.</summary>
    public string? ErrorKind => IsError && Value.TryGetProperty("kind", out var kind) ? kind.GetString() : null;

    /// <summary>The execution behind an execute tool's result; null for the other tools and for refused calls.</summary>
    public ExecutionResult? Execution { get; }

    /// <summary>Images the call produced (PNG), for skins that can show them to a model.</summary>
    public IReadOnlyList<DataContent> Images { get; }

    /// <summary>A successful result.</summary>
    public static SandboxToolResult Success(JsonObject value, ExecutionResult? execution = null, IReadOnlyList<DataContent>? images = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(value, false, execution, images ?? []);
    }

    /// <summary>A tool error a model can read and act on.</summary>
    public static SandboxToolResult Error(string kind, string message) =>
        new(new JsonObject { ["error"] = message, ["kind"] = kind }, true, null, []);

    /// <summary>
    /// The M.E.AI form: the JSON text alone, or, when there are images, the text followed by one
    /// <see cref="DataContent"/> per image, so a multimodal model sees them in the function result.
    /// </summary>
    public object ToFunctionResult() =>
        Images.Count == 0 ? Json : (IList<AIContent>)[new TextContent(Json), .. Images];

    /// <inheritdoc />
    public override string ToString() => Json;
}
