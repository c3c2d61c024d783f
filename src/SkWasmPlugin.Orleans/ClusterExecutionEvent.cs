using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

/// <summary>
/// An <see cref="ExecutionEvent"/> on the wire: output written (<see cref="Stream"/> and <see cref="Text"/>) or the
/// call's end (<see cref="Result"/>).
/// </summary>
[GenerateSerializer]
[Alias("SkWasmPlugin.ClusterExecutionEvent")]
public sealed record ClusterExecutionEvent
{
    [Id(0)] public OutputStream Stream { get; init; }
    [Id(1)] public string? Text { get; init; }
    [Id(2)] public ExecutionResult? Result { get; init; }

    public static ClusterExecutionEvent From(ExecutionEvent e) => e switch
    {
        OutputChunk chunk => new ClusterExecutionEvent { Stream = chunk.Stream, Text = chunk.Text },
        ExecutionCompleted done => new ClusterExecutionEvent { Result = done.Result },
        _ => throw new NotSupportedException($"Unknown execution event {e.GetType().Name}."),
    };

    public ExecutionEvent ToEvent() =>
        Result is { } result ? new ExecutionCompleted(result) : new OutputChunk(Stream, Text ?? "");
}
