namespace SkWasmPlugin.Sandbox;

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
