namespace SkWasmPlugin.Sandbox;

/// <summary>
/// One event of a streamed execution (<see cref="ICodeSandbox.ExecuteStreamingAsync"/>): an <see cref="OutputChunk"/>
/// while the program runs, then exactly one <see cref="ExecutionCompleted"/>, always last.
/// </summary>
/// <remarks>Closed: these two are the only kinds, so a <c>switch</c> over them is complete.</remarks>
public abstract record ExecutionEvent
{
    private protected ExecutionEvent()
    {
    }
}
