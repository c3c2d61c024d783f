namespace SkWasmPlugin.Sandbox;

/// <summary>A file or folder in a workspace.</summary>
public sealed record WorkspaceFile(string Path, long Size, DateTimeOffset LastModified, bool IsDirectory);
