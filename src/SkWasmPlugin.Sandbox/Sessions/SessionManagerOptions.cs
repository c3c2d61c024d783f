using System.ComponentModel.DataAnnotations;

namespace SkWasmPlugin.Sandbox;

/// <summary>Session settings (part of <see cref="SandboxOptions"/>).</summary>
public sealed class SessionManagerOptions
{
    /// <summary>Folder for local session storage (workspaces, checkpoints, metadata). Null: <c>ROOT/sessions/APP</c> (see <see cref="SandboxPaths"/>).</summary>
    public string? StoragePath { get; set; }

    /// <summary>
    /// Names this application's own session store, <c>ROOT/sessions/APP</c>, when <see cref="StoragePath"/> is not set:
    /// each application lists, prunes and destroys only its own sessions. Null: the entry assembly's name
    /// (<see cref="SandboxPaths.DefaultApplicationName"/>). 1-64 letters, digits, '.', '-' or '_'.
    /// </summary>
    public string? ApplicationName { get; set; }

    /// <summary>Sessions idle longer than this are pruned.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most sessions kept; the least recently used above it are pruned.</summary>
    [Range(1, 1_000_000)]
    public int MaxSessions { get; set; } = 1000;

    /// <summary>How often the background pruner runs (when hosted).</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Default workspace size quota.</summary>
    [Range(1, long.MaxValue)]
    public long DefaultMaxWorkspaceBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Default workspace file count quota.</summary>
    [Range(1, int.MaxValue)]
    public int DefaultMaxFiles { get; set; } = 1000;

    /// <summary>
    /// A session's interpreter state is checkpointed once it has been idle this long after a successful call
    /// (0: after every call, before the call returns). A trap restores the last checkpoint.
    /// </summary>
    public TimeSpan CheckpointDelay { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Calls without a checkpoint after which one is taken even without a pause.</summary>
    [Range(1, 1_000_000)]
    public int MaxCallsBetweenCheckpoints { get; set; } = 50;

    /// <summary>
    /// A session created for one language (<see cref="SessionOptions.Language"/>) starts its interpreter at once, in the
    /// background, so its first call does not wait for it (a few milliseconds of CPU for Python; longer when the runtime
    /// itself still has to start). Off: the first call starts it. Either way an idle interpreter is dropped after
    /// <see cref="EvictLiveInterpreterAfter"/>.
    /// </summary>
    public bool StartInterpreterOnCreate { get; set; } = true;

    /// <summary>A live interpreter idle this long is dropped (its checkpoint stays) and restored on the next call.</summary>
    public TimeSpan EvictLiveInterpreterAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Off by default: it acts on the whole process, not only on the sandbox's memory. On: after sessions are destroyed,
    /// reset or evicted, gives the memory they used back to the system with one blocking compacting GC and (glibc)
    /// <c>malloc_trim</c> once 64 MB of interpreter memory has been released, 100 ms after the last release of the
    /// burst and at most every 2 s. Turn it on where the sandbox owns the process (the MCP server, the CLI, a worker) or
    /// the pause is acceptable. Off: freed memory stays committed in the process for reuse until the GC decides otherwise.
    /// </summary>
    public bool TrimMemoryAfterRelease { get; set; }

    /// <summary>
    /// How long a process waits for a session another process is running (each session is run by one process at a
    /// time); past it the call fails with <see cref="SessionInUseException"/>.
    /// </summary>
    public TimeSpan SessionLockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Keeps checkpoints in storage so sessions survive a host restart.</summary>
    public bool PersistCheckpoints { get; set; } = true;
}
