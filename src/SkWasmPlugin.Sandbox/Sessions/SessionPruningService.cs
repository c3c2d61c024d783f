using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>Prunes idle sessions and evicts idle interpreters on a timer; flushes checkpoints on shutdown.</summary>
internal sealed class SessionPruningService(ICodeSandbox sandbox, IOptions<SandboxOptions> options, ILogger<SessionPruningService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Sessions.PruneInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await sandbox.Sessions.PruneAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    logger.LogWarning(ex, "Session pruning failed; it runs again at the next interval");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await sandbox.Sessions.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
