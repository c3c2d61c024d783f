namespace SkWasmPlugin.Sandbox;

/// <summary>
/// Another process runs the session (it holds the session's lock in the store) and did not give it up within
/// <see cref="SessionManagerOptions.SessionLockTimeout"/>. Nothing was run or changed; retry when it is done.
/// </summary>
public sealed class SessionInUseException(string sessionId, TimeSpan waited)
    : TimeoutException($"Session '{sessionId}' is in use by another process; waited {waited.TotalSeconds:0.#} s for it. Retry when that process is done with it, or use another session.")
{
    /// <summary>The session that is in use.</summary>
    public string SessionId { get; } = sessionId;
}
