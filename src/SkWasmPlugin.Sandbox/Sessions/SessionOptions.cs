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
