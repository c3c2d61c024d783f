using System.Runtime.CompilerServices;

namespace SkWasmPlugin.Sandbox;

/// <summary>Runs untrusted Python and JavaScript under hard limits and returns structured results.</summary>
public interface ICodeSandbox
{
    /// <summary>
    /// Runs one program. Guest failures (errors, limits, traps) come back as an <see cref="ExecutionResult"/>;
    /// invalid requests throw <see cref="ArgumentException"/>, unknown sessions <see cref="SessionNotFoundException"/>.
    /// </summary>
    Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs one program and streams what it writes: <see cref="OutputChunk"/>s in the order written, then one
    /// <see cref="ExecutionCompleted"/> with the result (its <see cref="ExecutionResult.Stdout"/> and
    /// <see cref="ExecutionResult.Stderr"/> complete, and equal to the chunks of each stream joined). Stopping the
    /// enumeration early, or cancelling <paramref name="cancellationToken"/>, cancels the run. Errors are those of
    /// <see cref="ExecuteAsync"/>.
    /// </summary>
    /// <remarks>
    /// This default runs <see cref="ExecuteAsync"/> and yields its output when it ends, so implementations without
    /// live output still stream correctly; <see cref="WasmCodeSandbox"/> yields output while the program runs.
    /// </remarks>
    async IAsyncEnumerable<ExecutionEvent> ExecuteStreamingAsync(ExecutionRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var result = await ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        if (result.Stdout.Length > 0) yield return new OutputChunk(OutputStream.Stdout, result.Stdout);
        if (result.Stderr.Length > 0) yield return new OutputChunk(OutputStream.Stderr, result.Stderr);
        yield return new ExecutionCompleted(result);
    }

    /// <summary>Sessions: persistent state and a workspace at /app.</summary>
    ISessionManager Sessions { get; }

    /// <summary>What the sandbox offers: languages, versions, limits, vendored packages.</summary>
    SandboxDescription Describe();

    /// <summary>
    /// Prepares the runtimes of <paramref name="languages"/> (all when none are given) now, so the first call does not
    /// wait for them (loading or compiling the modules, starting the interpreters). Does nothing by default.
    /// </summary>
    void Warmup(params Language[] languages)
    {
    }
}
