namespace SkWasmPlugin.AgentFramework;

/// <summary>What an agent session keeps of its sandbox: the sandbox session's id.</summary>
public sealed class SandboxSessionState
{
    /// <summary>The sandbox session, or null before the first run and after the session was deleted.</summary>
    public string? SessionId { get; set; }
}
