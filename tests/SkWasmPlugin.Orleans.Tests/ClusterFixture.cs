using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans.Tests;

/// <summary>
/// An in-process Orleans cluster (loopback only) whose silos host the sandbox over one shared session store, with
/// liveness tuned so a killed silo is declared dead within seconds. Each silo's storage can be "crashed".
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, CrashableStorage> _storage = new();

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "skwasm-orleans-" + Guid.NewGuid().ToString("N"));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The cluster as an app sees it: the <see cref="ICodeSandbox"/> of the cluster client.</summary>
    public ClusterCodeSandbox Sandbox { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var shared = new LocalWorkspaceStorage(Path.Combine(Root, "sessions"));
        var builder = new InProcessTestClusterBuilder(3);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((options, silo) =>
        {
            string name = options.SiloName;
            silo.Services.AddSingleton<IWorkspaceStorage>(_ => _storage.GetOrAdd(name, _ => new CrashableStorage(shared)));
            silo.AddWasmSandbox(o =>
            {
                o.ModuleCachePath = Path.Combine(Path.GetTempPath(), "skwasm-test-module-cache");
                o.ScratchPath = Path.Combine(Root, "scratch-" + name);
                o.Sessions.SessionLockTimeout = TimeSpan.FromSeconds(10);
            });
            silo.Configure<ClusterMembershipOptions>(m =>
            {
                m.ProbeTimeout = TimeSpan.FromSeconds(1);
                m.NumMissedProbesLimit = 2;
                m.NumVotesForDeathDeclaration = 1;
                m.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                m.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
            });
        });
        builder.ConfigureClient(client => client.AddWasmSandboxClient());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Sandbox = Cluster.Client.ServiceProvider.GetRequiredService<ClusterCodeSandbox>();
    }

    /// <summary>The silo's storage behaves as if its process died.</summary>
    public Task CrashStorageOf(InProcessSiloHandle silo) => _storage[silo.Name].Crash();

    /// <summary>The silo's own sandbox (the engine its grains run on).</summary>
    public static WasmCodeSandbox LocalSandbox(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<WasmCodeSandbox>();

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
