using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

/// <summary>
/// Takes the silo's sandbox when the host starts (the host creates its hosted services then), so a missing store or
/// bad options stop the silo with their message instead of failing its first call; warms the runtimes up in the
/// background.
/// </summary>
internal sealed partial class SiloSandboxStartup(WasmCodeSandbox sandbox, ILogger<SiloSandboxStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(() =>
        {
            try
            {
                sandbox.Warmup();
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                LogWarmupFailed(logger, ex); // the first call that needs the runtime reports it again
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The silo's sandbox runtimes could not be warmed up")]
    private static partial void LogWarmupFailed(ILogger logger, Exception exception);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
