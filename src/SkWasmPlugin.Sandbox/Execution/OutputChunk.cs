namespace SkWasmPlugin.Sandbox;

/// <summary>
/// Text the program wrote, in the order it was written across both streams. The chunks of a stream joined are
/// exactly that stream of the final <see cref="ExecutionResult"/> (<see cref="ExecutionResult.Stdout"/>,
/// <see cref="ExecutionResult.Stderr"/>), so never more than its limit. A chunk holds one or more of the
/// program's writes: writes made while the consumer was busy are joined.
/// </summary>
/// <param name="Stream">The stream written to.</param>
/// <param name="Text">The text (never empty).</param>
public sealed record OutputChunk(OutputStream Stream, string Text) : ExecutionEvent;
