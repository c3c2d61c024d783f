using Microsoft.Extensions.AI;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>
/// Output of a running program, as it is written, for whoever invokes an execute tool: set an observer on the
/// invocation's <see cref="AIFunctionArguments"/> and the tool runs the program streamed
/// (<see cref="ICodeSandbox.ExecuteStreamingAsync"/>), awaiting the observer for each chunk in order, before it returns
/// its result as usual. The MCP server uses it to send progress notifications.
/// </summary>
public static class ToolOutput
{
    private static readonly Type Key = typeof(Func<OutputChunk, CancellationToken, ValueTask>);

    /// <summary>Observes the output of the program that the invocation with <paramref name="arguments"/> runs.</summary>
    public static AIFunctionArguments Observe(this AIFunctionArguments arguments, Func<OutputChunk, CancellationToken, ValueTask> observer)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(observer);
        arguments.Context ??= new Dictionary<object, object?>();
        arguments.Context[Key] = observer;
        return arguments;
    }

    internal static Func<OutputChunk, CancellationToken, ValueTask>? ObserverOf(AIFunctionArguments? arguments) =>
        arguments?.Context is { } context && context.TryGetValue(Key, out var value) ? value as Func<OutputChunk, CancellationToken, ValueTask> : null;
}
