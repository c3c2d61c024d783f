using System.Diagnostics;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>A live session: its workspace, quota, per-language interpreters and checkpoints.</summary>
internal sealed class Session(SessionRecord record, string workspacePath)
{
    public SessionRecord Record { get; set; } = record;
    public string Id => Record.Id;
    public string WorkspacePath { get; } = workspacePath;
    public WorkspaceQuota Quota { get; } = new(workspacePath, record.MaxWorkspaceBytes, record.MaxFiles);

    /// <summary>Serialises calls, checkpoints and file operations on this session.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Cancelled when the session is destroyed, which stops a running call.</summary>
    public CancellationTokenSource Lifetime { get; } = new();

    public Dictionary<Language, LanguageState> States { get; } = [];
    public bool Destroyed { get; set; }

    /// <summary>Given up by this process (<see cref="ISessionManager.UnloadAsync"/>): this object is stale; load the session again.</summary>
    public bool Unloaded { get; set; }

    /// <summary>The workspace as the last call left it, to find what the next call changes; null: scan before the next call.</summary>
    public WorkspaceScan? LastScan { get; set; }
    public bool RecordDirty { get; set; }

    /// <summary>The chain of pending storage writes (checkpoints and records), in order.</summary>
    public Task Persisting { get; set; } = Task.CompletedTask;

    public LanguageState State(Language language)
    {
        if (!States.TryGetValue(language, out var state)) States[language] = state = new LanguageState();
        return state;
    }

    /// <summary>This process's hold on the session in storage (see <see cref="IWorkspaceStorage.TryLockSessionAsync"/>).</summary>
    public IAsyncDisposable? StorageLock { get; init; }

    public SessionInfo ToInfo() => InfoOf(Record);

    public static SessionInfo InfoOf(SessionRecord record) => new()
    {
        Id = record.Id,
        Languages = record.Language is { } l ? [l.Name()] : Languages.All.Select(x => x.Name()).ToList(),
        CreatedAt = record.CreatedAt,
        LastUsedAt = record.LastUsedAt,
        ExecutionCount = record.ExecutionCount,
        MaxWorkspaceBytes = record.MaxWorkspaceBytes,
        MaxFiles = record.MaxFiles,
        Limits = record.Limits,
        Metadata = record.Metadata,
        InstalledPackages = record.InstalledPackages,
    };
}

/// <summary>One language's interpreter within a session.</summary>
internal sealed class LanguageState
{
    /// <summary>The running interpreter, or null when evicted or not yet started.</summary>
    public GuestInstance? Live { get; set; }

    /// <summary>The last good state (pages that differ from a started interpreter), or null for a fresh one.</summary>
    public PageImage? Checkpoint { get; set; }

    /// <summary>Call number (within the session) after which <see cref="Checkpoint"/> was taken.</summary>
    public long CheckpointCall { get; set; }

    public bool CheckpointLoaded { get; set; }
    public bool Dirty { get; set; }
    public int CallsSinceCheckpoint { get; set; }
    public long LastCallTimestamp { get; set; } = Stopwatch.GetTimestamp();
    public bool CheckpointScheduled { get; set; }
}
