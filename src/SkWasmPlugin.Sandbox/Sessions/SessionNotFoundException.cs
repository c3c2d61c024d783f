namespace SkWasmPlugin.Sandbox;

/// <summary>Thrown for an id that names no session (never created, destroyed, or expired).</summary>
public sealed class SessionNotFoundException(string sessionId)
    : KeyNotFoundException($"Session '{sessionId}' does not exist (it was never created, was destroyed, or expired). Create it first.")
{
    public string SessionId { get; } = sessionId;
}
