using System.Security.Cryptography;
using Orleans.Runtime;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

/// <summary>
/// <see cref="ISessionManager"/> over the cluster: each operation on a session goes to its grain; listing and pruning
/// go to one silo, which reads the shared store. A listed session that is live on another silo shows its record as
/// of its last checkpoint (calls since then are not counted yet).
/// </summary>
internal sealed class ClusterSessionManager(IGrainFactory grains) : ISessionManager
{
    private IStatelessSandboxGrain Stateless => grains.GetGrain<IStatelessSandboxGrain>(0);

    /// <summary>The grain of a session, after checking its id (a bad id never reaches the cluster).</summary>
    public ISandboxSessionGrain Grain(string sessionId) =>
        grains.GetGrain<ISandboxSessionGrain>(WorkspacePaths.ValidateSessionId(sessionId));

    public Task<SessionInfo> CreateAsync(SessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SessionOptions();
        // The same kind of unguessable id the sandbox gives; chosen here, since it names the grain.
        string id = options.Id ?? "s-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return Grain(id).CreateAsync(options with { Id = id }, cancellationToken);
    }

    public Task<SessionInfo?> GetAsync(string sessionId, CancellationToken cancellationToken = default) =>
        Grain(sessionId).GetAsync(cancellationToken);

    public Task<IReadOnlyList<SessionInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        Stateless.ListSessionsAsync(cancellationToken);

    public Task<bool> DestroyAsync(string sessionId, CancellationToken cancellationToken = default) =>
        Grain(sessionId).DestroyAsync(cancellationToken);

    public Task ResetAsync(string sessionId, bool clearFiles = false, CancellationToken cancellationToken = default) =>
        Grain(sessionId).ResetAsync(clearFiles, cancellationToken);

    public Task<WorkspaceFile> WriteFileAsync(string sessionId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Grain(sessionId).WriteFileAsync(path, content.ToArray(), cancellationToken);
    }

    public Task<byte[]> ReadFileAsync(string sessionId, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Grain(sessionId).ReadFileAsync(path, cancellationToken);
    }

    public Task<WorkspaceFileContent> ReadFileAsync(string sessionId, string path, int maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        return Grain(sessionId).ReadFileHeadAsync(path, maxBytes, cancellationToken);
    }

    public Task<IReadOnlyList<WorkspaceFile>> ListFilesAsync(string sessionId, string? folder = null, CancellationToken cancellationToken = default) =>
        Grain(sessionId).ListFilesAsync(folder, cancellationToken);

    public Task<bool> DeleteFileAsync(string sessionId, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Grain(sessionId).DeleteFileAsync(path, cancellationToken);
    }

    public Task<WorkspaceInfo> GetWorkspaceInfoAsync(string sessionId, CancellationToken cancellationToken = default) =>
        Grain(sessionId).GetWorkspaceInfoAsync(cancellationToken);

    public Task<IReadOnlyList<string>> InstallPackageAsync(string sessionId, string package, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(package);
        return Grain(sessionId).InstallPackageAsync(package, cancellationToken);
    }

    /// <summary>Asks one silo to prune the shared store (every silo also prunes on its own timer).</summary>
    public Task<PruneReport> PruneAsync(CancellationToken cancellationToken = default) => Stateless.PruneAsync(cancellationToken);

    /// <summary>Writes the pending checkpoints of every session live in the cluster now.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var live = await management.GetActiveGrains(GrainType.Create(SandboxSessionGrain.TypeName)).ConfigureAwait(false);
        await Task.WhenAll(live.Select(id => grains.GetGrain<ISandboxSessionGrain>(id).FlushAsync(cancellationToken))).ConfigureAwait(false);
    }

    public Task FlushAsync(string sessionId, CancellationToken cancellationToken = default) =>
        Grain(sessionId).FlushAsync(cancellationToken);

    /// <summary>Writes the session and gives it up on its silo (its grain deactivates); the next call activates it again.</summary>
    public Task<bool> UnloadAsync(string sessionId, CancellationToken cancellationToken = default) =>
        Grain(sessionId).UnloadAsync(cancellationToken);
}
