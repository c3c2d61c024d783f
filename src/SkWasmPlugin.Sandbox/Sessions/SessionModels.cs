namespace SkWasmPlugin.Sandbox;

/// <summary>Options for a new session.</summary>
public sealed record SessionOptions
{
    /// <summary>A caller-chosen id (letters, digits, '-', '_'; 1–64 chars). Null: an unguessable id is generated.</summary>
    public string? Id { get; init; }

    /// <summary>Restricts the session to one language. Null: both languages, each with its own interpreter state.</summary>
    public Language? Language { get; init; }

    /// <summary>Default limits of the session's calls (a call's own limits still win).</summary>
    public ExecutionLimits? Limits { get; init; }

    /// <summary>Workspace size quota in bytes. Null: <see cref="SessionManagerOptions.DefaultMaxWorkspaceBytes"/>.</summary>
    public long? MaxWorkspaceBytes { get; init; }

    /// <summary>Workspace file (and folder) count quota. Null: <see cref="SessionManagerOptions.DefaultMaxFiles"/>.</summary>
    public int? MaxFiles { get; init; }

    /// <summary>Free-form metadata kept with the session.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>A session as seen from outside.</summary>
public sealed record SessionInfo
{
    public required string Id { get; init; }
    public required IReadOnlyList<string> Languages { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset LastUsedAt { get; init; }
    public required long ExecutionCount { get; init; }
    public required long MaxWorkspaceBytes { get; init; }
    public required int MaxFiles { get; init; }
    public ExecutionLimits? Limits { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> InstalledPackages { get; init; } = [];
}

/// <summary>A file or folder in a workspace.</summary>
public sealed record WorkspaceFile(string Path, long Size, DateTimeOffset LastModified, bool IsDirectory);

/// <summary>A workspace summary for tools (get_workspace_info).</summary>
public sealed record WorkspaceInfo
{
    public required string SessionId { get; init; }
    public required IReadOnlyList<WorkspaceFile> Files { get; init; }
    public required long UsedBytes { get; init; }
    public required int FileCount { get; init; }
    public required long QuotaBytes { get; init; }
    public required int QuotaFiles { get; init; }
    public required IReadOnlyList<string> InstalledPackages { get; init; }
    public required IReadOnlyList<string> AvailablePackages { get; init; }

    /// <summary>Names defined by earlier calls, per language (user variables, functions, classes, imports).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Variables { get; init; }
}

/// <summary>What a prune removed.</summary>
public sealed record PruneReport(IReadOnlyList<string> Removed, int Remaining);

/// <summary>Thrown for an id that names no session (never created, destroyed, or expired).</summary>
public sealed class SessionNotFoundException(string sessionId)
    : KeyNotFoundException($"Session '{sessionId}' does not exist (it was never created, was destroyed, or expired). Create it first.")
{
    public string SessionId { get; } = sessionId;
}

/// <summary>Thrown when a workspace operation would go over the session's quota; nothing was written.</summary>
public sealed class WorkspaceQuotaExceededException(string message) : IOException(message);
