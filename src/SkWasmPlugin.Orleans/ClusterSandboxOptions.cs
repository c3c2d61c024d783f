namespace SkWasmPlugin.Orleans;

/// <summary>How sandbox sessions live on a silo.</summary>
public sealed class ClusterSandboxOptions
{
    /// <summary>
    /// A session's grain idle this long is deactivated: its state is written to the store and its interpreters leave
    /// the silo's memory; the next call activates it again (on any silo) from that state. Default 15 minutes. Must be
    /// shorter than the sessions' idle timeout (<c>SandboxOptions.Sessions.IdleTimeout</c>), so a session is never
    /// pruned while it is live somewhere.
    /// </summary>
    public TimeSpan SessionIdleDeactivation { get; set; } = TimeSpan.FromMinutes(15);
}
