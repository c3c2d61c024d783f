namespace SkWasmPlugin.Sandbox;

/// <summary>What a capped read of a workspace file returned: the bytes read from its start, its whole size, and whether that was all.</summary>
public sealed record WorkspaceFileContent(ReadOnlyMemory<byte> Content, long Size, bool Truncated);
