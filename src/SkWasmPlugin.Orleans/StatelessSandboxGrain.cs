using System.Runtime.CompilerServices;
using Orleans.Concurrency;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

/// <summary>
/// Stateless calls and store-wide queries on the local silo's <see cref="WasmCodeSandbox"/>. Reentrant: the sandbox
/// bounds its concurrent guest calls itself (<see cref="SandboxOptions.MaxConcurrentExecutions"/>).
/// </summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class StatelessSandboxGrain(WasmCodeSandbox local) : Grain, IStatelessSandboxGrain
{
    public Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, CancellationToken cancellationToken) =>
        local.ExecuteAsync(request with { SessionId = null }, cancellationToken);

    public async IAsyncEnumerable<ClusterExecutionEvent> ExecuteStreamingAsync(ExecutionRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in local.ExecuteStreamingAsync(request with { SessionId = null }, cancellationToken))
            yield return ClusterExecutionEvent.From(e);
    }

    public Task<SandboxDescription> DescribeAsync() => Task.FromResult(local.Describe());

    public async Task<IReadOnlyList<SessionInfo>> ListSessionsAsync(CancellationToken cancellationToken) =>
        (await local.Sessions.ListAsync(cancellationToken)).ToArray();

    public Task<PruneReport> PruneAsync(CancellationToken cancellationToken) => local.Sessions.PruneAsync(cancellationToken);

    public Task WarmupAsync(Language[] languages) => Task.Run(() => local.Warmup(languages));
}
