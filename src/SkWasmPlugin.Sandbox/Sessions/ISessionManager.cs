namespace SkWasmPlugin.Sandbox;

/// <summary>
/// Sessions keep interpreter state between calls (like a notebook) and own a workspace mounted at /app.
/// Every method that takes an id throws <see cref="SessionNotFoundException"/> for an unknown one and
/// <see cref="ArgumentException"/> for an invalid id or path; nothing is changed then.
/// </summary>
public interface ISessionManager
{
    /// <summary>Creates a session (or returns the existing one when <see cref="SessionOptions.Id"/> names a live session).</summary>
    Task<SessionInfo> CreateAsync(SessionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The session, or null when it does not exist.</summary>
    Task<SessionInfo?> GetAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>All sessions, most recently used first.</summary>
    Task<IReadOnlyList<SessionInfo>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Destroys a session: its interpreters, checkpoints and files. False when it did not exist.</summary>
    Task<bool> DestroyAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Forgets the interpreter state; with <paramref name="clearFiles"/> also empties the workspace.</summary>
    Task ResetAsync(string sessionId, bool clearFiles = false, CancellationToken cancellationToken = default);

    /// <summary>Writes a file into the workspace (folders are created). Over quota: <see cref="WorkspaceQuotaExceededException"/>.</summary>
    Task<WorkspaceFile> WriteFileAsync(string sessionId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a whole workspace file. Missing: <see cref="FileNotFoundException"/>. A file larger than the session's
    /// byte quota is refused with <see cref="WorkspaceQuotaExceededException"/> (use the overload with a cap).
    /// </summary>
    Task<byte[]> ReadFileAsync(string sessionId, string path, CancellationToken cancellationToken = default);

    /// <summary>Reads at most <paramref name="maxBytes"/> from the start of a workspace file, and its size. Missing: <see cref="FileNotFoundException"/>.</summary>
    Task<WorkspaceFileContent> ReadFileAsync(string sessionId, string path, int maxBytes, CancellationToken cancellationToken = default);

    /// <summary>Lists workspace files below a folder (default: all).</summary>
    Task<IReadOnlyList<WorkspaceFile>> ListFilesAsync(string sessionId, string? folder = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a workspace file or folder. False when it did not exist.</summary>
    Task<bool> DeleteFileAsync(string sessionId, string path, CancellationToken cancellationToken = default);

    /// <summary>Files, quota use, installed packages and persisted variable names.</summary>
    Task<WorkspaceInfo> GetWorkspaceInfoAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Makes a vendored pure-Python package importable in the session. Unknown name: <see cref="ArgumentException"/> listing what is available.</summary>
    Task<IReadOnlyList<string>> InstallPackageAsync(string sessionId, string package, CancellationToken cancellationToken = default);

    /// <summary>Removes sessions idle longer than the TTL, then the least recently used ones above the maximum count.</summary>
    Task<PruneReport> PruneAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes every pending checkpoint to storage now (called on shutdown; the CLI calls it before exiting).</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes one session's pending checkpoints and record to storage now. Does nothing when this process has not
    /// loaded the session; an unknown id is not an error here.
    /// </summary>
    Task FlushAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives a session up in this process: writes its pending checkpoints and record, drops its interpreters and
    /// releases its hold in storage (see <see cref="IWorkspaceStorage.TryLockSessionAsync"/>), so another process
    /// can take it. The session stays in storage; the next call here loads it again. A running call finishes first.
    /// False when this process had not loaded the session.
    /// </summary>
    Task<bool> UnloadAsync(string sessionId, CancellationToken cancellationToken = default);
}
