namespace SkWasmPlugin.Sandbox;

/// <summary>How a call changed a file of its workspace.</summary>
public enum WorkspaceFileChangeKind
{
    /// <summary>The file was not there before the call.</summary>
    Created,

    /// <summary>The file was there before the call and its size or modification time changed.</summary>
    Modified,
}
