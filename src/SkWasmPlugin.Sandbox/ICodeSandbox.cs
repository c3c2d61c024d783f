namespace SkWasmPlugin.Sandbox;

/// <summary>Runs untrusted Python and JavaScript under hard limits and returns structured results.</summary>
public interface ICodeSandbox
{
    /// <summary>
    /// Runs one program. Guest failures (errors, limits, traps) come back as an <see cref="ExecutionResult"/>;
    /// invalid requests throw <see cref="ArgumentException"/>, unknown sessions <see cref="SessionNotFoundException"/>.
    /// </summary>
    Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, CancellationToken cancellationToken = default);

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
