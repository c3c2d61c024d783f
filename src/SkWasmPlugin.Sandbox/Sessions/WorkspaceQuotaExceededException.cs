namespace SkWasmPlugin.Sandbox;

/// <summary>Thrown when a workspace operation would go over the session's quota; nothing was written.</summary>
public sealed class WorkspaceQuotaExceededException(string message) : IOException(message);
