namespace SkWasmPlugin.Sandbox;

/// <summary>
/// A session could not be created: the sandbox already keeps <see cref="SessionManagerOptions.MaxSessions"/> sessions
/// that are not idle past <see cref="SessionManagerOptions.IdleTimeout"/>. Nothing was created and no other session
/// was removed to make room.
/// </summary>
public sealed class SessionLimitExceededException(int maxSessions)
    : InvalidOperationException($"The sandbox already holds its maximum of {maxSessions:N0} sessions. Destroy a session you no longer need (destroy_session), or reuse an existing one.")
{
    /// <summary>The limit that was reached.</summary>
    public int MaxSessions { get; } = maxSessions;
}
