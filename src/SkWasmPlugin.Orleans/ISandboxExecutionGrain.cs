using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

/// <summary>Runs programs: a session's grain in its session, the stateless grain in a fresh interpreter.</summary>
[Alias("SkWasmPlugin.ISandboxExecutionGrain")]
public interface ISandboxExecutionGrain : IGrain
{
    /// <summary>A call may run up to the sandbox's longest time limit (10 minutes by default), past Orleans' default response timeout.</summary>
    [Alias("Execute")]
    [ResponseTimeout(ClusterCodeSandbox.CallTimeout)]
    Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, CancellationToken cancellationToken = default);

    [Alias("ExecuteStreaming")]
    [ResponseTimeout(ClusterCodeSandbox.CallTimeout)]
    IAsyncEnumerable<ClusterExecutionEvent> ExecuteStreamingAsync(ExecutionRequest request, CancellationToken cancellationToken = default);
}
