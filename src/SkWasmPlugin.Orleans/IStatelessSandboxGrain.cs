using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

/// <summary>
/// Work that needs no session: stateless calls, the sandbox's description, listing and pruning sessions in the shared
/// store. A stateless worker, so it runs on the silo that receives the call (the client's gateway, or the co-hosting
/// silo itself), one activation per silo taking calls concurrently up to the sandbox's own concurrency limit.
/// </summary>
[Alias("SkWasmPlugin.IStatelessSandboxGrain")]
public interface IStatelessSandboxGrain : IGrainWithIntegerKey, ISandboxExecutionGrain
{
    [Alias("Describe")]
    Task<SandboxDescription> DescribeAsync();

    [Alias("List")]
    Task<IReadOnlyList<SessionInfo>> ListSessionsAsync(CancellationToken cancellationToken = default);

    [Alias("Prune")]
    Task<PruneReport> PruneAsync(CancellationToken cancellationToken = default);

    [Alias("Warmup")]
    Task WarmupAsync(Language[] languages);
}
