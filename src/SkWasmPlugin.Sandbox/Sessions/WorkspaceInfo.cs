namespace SkWasmPlugin.Sandbox;

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
