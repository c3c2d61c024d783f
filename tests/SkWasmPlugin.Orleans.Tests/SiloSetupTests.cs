using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans.Tests;

public sealed class SiloSetupTests
{
    private static IHost Silo(Action<ISiloBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort());
            configure(silo);
        });
        return builder.Build();
    }

    private static int FreePort() => SkWasmPlugin.Sandbox.AzureBlob.Tests.AzuriteProcess.FreePort();

    [Fact]
    public async Task A_silo_without_shared_storage_does_not_start_and_says_what_to_register()
    {
        using var host = Silo(silo => silo.AddWasmSandbox());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("no IWorkspaceStorage is registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("BlobWorkspaceStorage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Idle_deactivation_longer_than_the_session_timeout_is_refused()
    {
        string root = Path.Combine(Path.GetTempPath(), "skwasm-orleans-setup-" + Guid.NewGuid().ToString("N"));
        using var host = Silo(silo =>
        {
            silo.Services.AddSingleton<IWorkspaceStorage>(new LocalWorkspaceStorage(root));
            silo.AddWasmSandbox(o => o.Sessions.IdleTimeout = TimeSpan.FromMinutes(5), c => c.SessionIdleDeactivation = TimeSpan.FromMinutes(10));
        });
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterSandboxOptions>>().Value);
        Assert.Contains("SessionIdleDeactivation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_with_a_sandbox_already_registered_is_refused()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddWasmSandbox();
        var error = Assert.Throws<InvalidOperationException>(() => builder.UseOrleansClient(client => client.AddWasmSandboxClient()));
        Assert.Contains("ICodeSandbox is registered already", error.Message, StringComparison.Ordinal);
    }
}
