using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>
/// Prunes idle sessions and evicts idle interpreters on a timer; flushes checkpoints on shutdown. It works on the
/// registered <see cref="WasmCodeSandbox"/> itself, not on whatever <see cref="ICodeSandbox"/> an app puts in front of
/// it (a cluster client, for one, whose sessions live on other hosts).
/// </summary>
internal sealed class SessionPruningService(WasmCodeSandbox sandbox, IOptions<SandboxOptions> options, ILogger<SessionPruningService> logger) : BackgroundService
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
        try
        {
            await sandbox.Sessions.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host stops without grace: sessions keep their last stored checkpoints.
            logger.LogWarning("The host stopped before every session's checkpoint was written; those sessions keep their last stored checkpoint");
        }
    }
}
