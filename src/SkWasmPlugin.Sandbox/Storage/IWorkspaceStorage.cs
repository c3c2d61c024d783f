namespace SkWasmPlugin.Sandbox;

/// <summary>What is stored of a session besides its files and checkpoints.</summary>
public sealed record SessionRecord
{
    public required string Id { get; init; }
    public Language? Language { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset LastUsedAt { get; init; }
    public long ExecutionCount { get; init; }
    public long MaxWorkspaceBytes { get; init; }
    public int MaxFiles { get; init; }
    public ExecutionLimits? Limits { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    public List<string> InstalledPackages { get; init; } = [];
}

/// <summary>
/// Where sessions live between calls and across host restarts. The guest always works on a local folder
/// (WASI needs a real directory); a remote store syncs that folder and keeps the session's records and
/// checkpoints. Every write is atomic: a reader sees the old or the new value, never a torn one.
/// </summary>
public interface IWorkspaceStorage
{
    /// <summary>
    /// Takes a session for this process alone, waiting up to <paramref name="wait"/> while another process (or
    /// another store object) holds it; null when it is still held then. A session's live state is in one process
    /// at a time, so two processes never run it at once and neither overwrites the other's work. Disposing the
    /// handle gives the session up; a process that dies gives it up too (the local store's lock goes with the
    /// process, a remote store's lease expires).
    /// </summary>
    Task<IAsyncDisposable?> TryLockSessionAsync(string sessionId, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>The local folder mounted at /app for this session (created when missing, filled from the store when remote).</summary>
    Task<string> OpenWorkspaceAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Pushes the local folder to the store (no-op for local storage).</summary>
    Task SyncWorkspaceAsync(string sessionId, CancellationToken cancellationToken = default);

    Task SaveRecordAsync(SessionRecord record, CancellationToken cancellationToken = default);
    Task<SessionRecord?> LoadRecordAsync(string sessionId, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<string>> ListSessionIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves a named blob of session state (a checkpoint), replacing the old one atomically. <paramref name="data"/>
    /// is a pooled buffer, valid only until the returned task completes: copy it to keep it.
    /// </summary>
    Task SaveStateAsync(string sessionId, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);
    Task<byte[]?> LoadStateAsync(string sessionId, string name, CancellationToken cancellationToken = default);
    Task DeleteStateAsync(string sessionId, string name, CancellationToken cancellationToken = default);

    /// <summary>Removes everything of the session.</summary>
    Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default);
}
