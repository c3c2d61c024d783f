using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

/// <summary>
/// Creates the silo's sandbox when the host starts, so a missing store or bad options stop the silo with their message
/// instead of failing its first call, and warms the runtimes up in the background.
/// </summary>
internal sealed class SiloSandboxStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var sandbox = services.GetRequiredService<WasmCodeSandbox>();
        _ = Task.Run(() => sandbox.Warmup(), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
