using Microsoft.Extensions.AI;

namespace SkWasmPlugin.AI;

/// <summary>
/// One sandbox tool: an <see cref="AIFunction"/> with the shared name, description and parameters, whose typed result
/// (<see cref="InvokeToolAsync"/>) every skin adapts. Invoked as an M.E.AI function it returns
/// <see cref="SandboxToolResult.ToFunctionResult"/>.
/// </summary>
public sealed class SandboxTool : DelegatingAIFunction
{
    internal SandboxTool(AIFunction inner, SandboxToolHints hints)
        : base(inner)
    {
        Hints = hints;
        TakesSessionId = inner.JsonSchema.TryGetProperty("properties", out var properties)
            && properties.TryGetProperty(SessionIdParameterName, out _);
    }

    /// <summary>The name of the session parameter, the same in every tool and skin.</summary>
    public const string SessionIdParameterName = "sessionId";

    /// <summary>What the tool does to its environment (for MCP annotations and approval policies).</summary>
    public SandboxToolHints Hints { get; }

    /// <summary>True when the tool has a <c>sessionId</c> parameter.</summary>
    public bool TakesSessionId { get; }

    /// <summary>
    /// Runs the tool. Arguments that do not bind (a missing required parameter, a value of the wrong type) come back as an
    /// <c>invalid_argument</c> result, like every other caller error; this never throws for the caller's input.
    /// </summary>
    public async ValueTask<SandboxToolResult> InvokeToolAsync(AIFunctionArguments? arguments, CancellationToken cancellationToken = default)
    {
        object? value;
        try
        {
            value = await InnerFunction.InvokeAsync(arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException or FormatException or InvalidCastException)
        {
            return SandboxToolResult.Error("invalid_argument", ModelText.Message(ex) + $" Check the arguments of {Name}.");
        }
        return value as SandboxToolResult
            ?? throw new InvalidOperationException($"The tool {Name} returned {value?.GetType().Name ?? "null"} instead of a {nameof(SandboxToolResult)}.");
    }

    /// <inheritdoc />
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
        (await InvokeToolAsync(arguments, cancellationToken).ConfigureAwait(false)).ToFunctionResult();
}
