namespace SkWasmPlugin.Sandbox;

/// <summary>The last event of a streamed execution: the same result <see cref="ICodeSandbox.ExecuteAsync"/> returns.</summary>
/// <param name="Result">What the execution produced, its output complete.</param>
public sealed record ExecutionCompleted(ExecutionResult Result) : ExecutionEvent;
