using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans.Tests;

/// <summary>
/// A cluster as processes run it, on loopback TCP: silo hosts with localhost clustering (the first is the primary) over
/// one shared session folder, and as many client hosts as a test asks for. (Orleans' in-process test cluster connects
/// its own client through an in-memory transport, which other clients cannot join.)
/// </summary>
public sealed class TcpCluster : IAsyncDisposable
{
    private readonly List<IHost> _silos = [];
    private readonly List<IHost> _clients = [];
    private readonly List<int> _gateways = [];
    private readonly string _cluster = "c" + Guid.NewGuid().ToString("N")[..8];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "skwasm-orleans-tcp-" + Guid.NewGuid().ToString("N"));

    public IReadOnlyList<IHost> Silos => _silos;

    public static async Task<TcpCluster> StartAsync(int silos)
    {
        var cluster = new TcpCluster();
        var shared = new LocalWorkspaceStorage(Path.Combine(cluster.Root, "sessions"));
        int primary = FreePort();
        for (int i = 0; i < silos; i++)
        {
            int siloPort = i == 0 ? primary : FreePort(), gatewayPort = FreePort();
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, primary), "skwasm-test", cluster._cluster);
                silo.Services.AddSingleton<IWorkspaceStorage>(shared);
                string name = "silo" + i;
                silo.AddWasmSandbox(o =>
                {
                    o.ModuleCachePath = Path.Combine(Path.GetTempPath(), "skwasm-test-module-cache");
                    o.ScratchPath = Path.Combine(cluster.Root, "scratch-" + name);
                });
            });
            var host = builder.Build();
            await host.StartAsync();
            cluster._silos.Add(host);
            cluster._gateways.Add(gatewayPort);
        }
        return cluster;
    }

    /// <summary>A client host of its own, connected to every silo's gateway; its <see cref="ICodeSandbox"/> is the cluster's.</summary>
    public async Task<IHost> StartClientAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering([.. _gateways], "skwasm-test", _cluster);
            client.AddWasmSandboxClient();
        });
        var host = builder.Build();
        await host.StartAsync();
        lock (_clients) _clients.Add(host);
        return host;
    }

    /// <summary>The silo's own sandbox (the engine its grains run on).</summary>
    public static WasmCodeSandbox LocalSandbox(IHost silo) => silo.Services.GetRequiredService<WasmCodeSandbox>();

    public static string Address(IHost silo) => silo.Services.GetRequiredService<global::Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToString();

    private static int FreePort() => SkWasmPlugin.Sandbox.AzureBlob.Tests.AzuriteProcess.FreePort();

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _clients.Concat(Enumerable.Reverse(_silos)))
        {
            try
            {
                await host.StopAsync();
            }
            catch (OperationCanceledException)
            {
            }
            host.Dispose();
        }
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
