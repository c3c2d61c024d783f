using Orleans.Concurrency;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

/// <summary>
/// One sandbox session in the cluster, keyed by the session id. Its single activation owns the session's live
/// interpreters on its silo; calls are serialised. Use <see cref="ClusterCodeSandbox"/> rather than calling it directly:
/// it validates input and maps the operations of <see cref="ICodeSandbox"/> and <see cref="ISessionManager"/> here.
/// </summary>
[Alias("SkWasmPlugin.ISandboxSessionGrain")]
public interface ISandboxSessionGrain : IGrainWithStringKey, ISandboxExecutionGrain
{
    [Alias("Create")]
    Task<SessionInfo> CreateAsync(SessionOptions options, CancellationToken cancellationToken = default);

    [Alias("Get")]
    Task<SessionInfo?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs beside a call in progress, which it stops.</summary>
    [Alias("Destroy")]
    [AlwaysInterleave]
    Task<bool> DestroyAsync(CancellationToken cancellationToken = default);

    [Alias("Reset")]
    Task ResetAsync(bool clearFiles, CancellationToken cancellationToken = default);

    [Alias("WriteFile")]
    Task<WorkspaceFile> WriteFileAsync(string path, byte[] content, CancellationToken cancellationToken = default);

    [Alias("ReadFile")]
    Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default);

    [Alias("ReadFileHead")]
    Task<WorkspaceFileContent> ReadFileHeadAsync(string path, int maxBytes, CancellationToken cancellationToken = default);

    [Alias("ListFiles")]
    Task<IReadOnlyList<WorkspaceFile>> ListFilesAsync(string? folder, CancellationToken cancellationToken = default);

    [Alias("DeleteFile")]
    Task<bool> DeleteFileAsync(string path, CancellationToken cancellationToken = default);

    [Alias("WorkspaceInfo")]
    Task<WorkspaceInfo> GetWorkspaceInfoAsync(CancellationToken cancellationToken = default);

    [Alias("InstallPackage")]
    Task<IReadOnlyList<string>> InstallPackageAsync(string package, CancellationToken cancellationToken = default);

    [Alias("Flush")]
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes the session and gives it up on this silo, then deactivates. False when the silo had not loaded it.</summary>
    [Alias("Unload")]
    Task<bool> UnloadAsync(CancellationToken cancellationToken = default);

    /// <summary>The silo this activation runs on (for operators and tests).</summary>
    [Alias("Silo")]
    Task<string> GetSiloAsync();
}
