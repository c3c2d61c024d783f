using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

/// <summary>
/// The session's activation: its calls run on this silo's <see cref="WasmCodeSandbox"/>, which loads the session from
/// the shared <see cref="IWorkspaceStorage"/> on the first call (restoring the last checkpoint) and holds its storage
/// lock. Write-behind checkpoints stay as they are, so a silo that dies leaves the session at its last good checkpoint.
/// When Orleans deactivates the grain (idle collection, a silo shutting down, a rebalance) the session is written and
/// given up (<see cref="ISessionManager.UnloadAsync"/>), so its next activation, on any silo, starts from that state.
/// Lists are returned as arrays: Orleans carries those, not the sandbox's own read-only list types.
/// </summary>
[GrainType(TypeName)]
internal sealed partial class SandboxSessionGrain(WasmCodeSandbox local, ILogger<SandboxSessionGrain> logger) : Grain, ISandboxSessionGrain
{
    /// <summary>The grain type's name in the cluster (stable across renames of this class).</summary>
    public const string TypeName = "skwasm-session";

    private string Id => this.GetPrimaryKeyString();

    private ISessionManager Sessions => local.Sessions;

    public Task<SessionInfo> CreateAsync(SessionOptions options, CancellationToken cancellationToken) =>
        Guard(() => Sessions.CreateAsync(options with { Id = Id }, cancellationToken));

    public async Task<SessionInfo?> GetAsync(CancellationToken cancellationToken)
    {
        var info = await Sessions.GetAsync(Id, cancellationToken);
        if (info is null) DeactivateOnIdle();
        return info;
    }

    public Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, CancellationToken cancellationToken) =>
        Guard(() => local.ExecuteAsync(request with { SessionId = Id }, cancellationToken));

    public async IAsyncEnumerable<ClusterExecutionEvent> ExecuteStreamingAsync(ExecutionRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = local.ExecuteStreamingAsync(request with { SessionId = Id }, cancellationToken);
        await using var e = events.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await e.MoveNextAsync();
            }
            catch (SessionNotFoundException)
            {
                DeactivateOnIdle();
                throw;
            }
            if (!more) yield break;
            yield return ClusterExecutionEvent.From(e.Current);
        }
    }

    public async Task<bool> DestroyAsync(CancellationToken cancellationToken)
    {
        bool destroyed = await Sessions.DestroyAsync(Id, cancellationToken);
        DeactivateOnIdle();
        return destroyed;
    }

    public Task ResetAsync(bool clearFiles, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            await Sessions.ResetAsync(Id, clearFiles, cancellationToken);
            return true;
        });

    public Task<WorkspaceFile> WriteFileAsync(string path, byte[] content, CancellationToken cancellationToken) =>
        Guard(() => Sessions.WriteFileAsync(Id, path, content, cancellationToken));

    public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken) =>
        Guard(() => Sessions.ReadFileAsync(Id, path, cancellationToken));

    public Task<WorkspaceFileContent> ReadFileHeadAsync(string path, int maxBytes, CancellationToken cancellationToken) =>
        Guard(() => Sessions.ReadFileAsync(Id, path, maxBytes, cancellationToken));

    public Task<IReadOnlyList<WorkspaceFile>> ListFilesAsync(string? folder, CancellationToken cancellationToken) =>
        Guard(async () => (IReadOnlyList<WorkspaceFile>)(await Sessions.ListFilesAsync(Id, folder, cancellationToken)).ToArray());

    public Task<bool> DeleteFileAsync(string path, CancellationToken cancellationToken) =>
        Guard(() => Sessions.DeleteFileAsync(Id, path, cancellationToken));

    public Task<WorkspaceInfo> GetWorkspaceInfoAsync(CancellationToken cancellationToken) =>
        Guard(() => Sessions.GetWorkspaceInfoAsync(Id, cancellationToken));

    public Task<IReadOnlyList<string>> InstallPackageAsync(string package, CancellationToken cancellationToken) =>
        Guard(async () => (IReadOnlyList<string>)(await Sessions.InstallPackageAsync(Id, package, cancellationToken)).ToArray());

    public Task FlushAsync(CancellationToken cancellationToken) => Sessions.FlushAsync(Id, cancellationToken);

    public async Task<bool> UnloadAsync(CancellationToken cancellationToken)
    {
        bool unloaded = await Sessions.UnloadAsync(Id, cancellationToken);
        DeactivateOnIdle();
        return unloaded;
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            if (await Sessions.UnloadAsync(Id, cancellationToken))
                LogUnloaded(logger, Id, reason.ReasonCode.ToString());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or OperationCanceledException)
        {
            // The session stays at its last stored checkpoint; its storage lock goes when this process does (or its
            // lease expires), so the next activation waits for that at most.
            LogUnloadFailed(logger, ex, Id);
        }
    }

    /// <summary>Runs an operation; a session that does not exist leaves no activation behind.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (SessionNotFoundException)
        {
            DeactivateOnIdle();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} written and given up by this silo ({Reason})")]
    private static partial void LogUnloaded(ILogger logger, string sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} could not be written when its grain deactivated; it stays at its last stored checkpoint")]
    private static partial void LogUnloadFailed(ILogger logger, Exception exception, string sessionId);
}
