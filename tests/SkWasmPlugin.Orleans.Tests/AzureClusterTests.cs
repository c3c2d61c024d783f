using System.Diagnostics;
using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using SkWasmPlugin.Sandbox;
using SkWasmPlugin.Sandbox.AzureBlob;
using SkWasmPlugin.Sandbox.AzureBlob.Tests;

namespace SkWasmPlugin.Orleans.Tests;

/// <summary>
/// The deployment's storage: Azure Table clustering and the sessions in Azure Blob storage, both on Azurite (loopback),
/// two silos as separate hosts and a client host, as a deployment runs them.
/// </summary>
public sealed class AzureClusterTests : IAsyncLifetime
{
    private readonly List<Process> _azurite = [];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "skwasm-orleans-azure-" + Guid.NewGuid().ToString("N"));
    private string _connection = "";

    public async Task InitializeAsync()
    {
        if (AzuriteLocator.Executable is not { } blob)
        {
            if (AzuriteLocator.InCi) throw new InvalidOperationException(AzuriteLocator.Problem);
            return;
        }
        string table = Path.Combine(Path.GetDirectoryName(blob)!, "azurite-table");
        int blobPort = FreePort(), tablePort = FreePort();
        Directory.CreateDirectory(_root);
        _azurite.Add(await AzuriteProcess.StartAsync(blob, ["--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(), "--location", Path.Combine(_root, "blob")], blobPort));
        _azurite.Add(await AzuriteProcess.StartAsync(table, ["--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(), "--location", Path.Combine(_root, "table")], tablePort));
        _connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteProcess.DevKey};" +
                      $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";
    }

    private static int FreePort() => AzuriteProcess.FreePort();

    private IHost Silo(string name, string cluster, string container)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster, "skwasm-test"));
            silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(_connection));
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort());
            silo.Services.AddSingleton<IWorkspaceStorage>(
                new BlobWorkspaceStorage(new BlobContainerClient(_connection, container), Path.Combine(_root, "cache-" + name)));
            silo.AddWasmSandbox(o =>
            {
                o.ModuleCachePath = Path.Combine(Path.GetTempPath(), "skwasm-test-module-cache");
                o.ScratchPath = Path.Combine(_root, "scratch-" + name);
            });
        });
        return builder.Build();
    }

    private IHost Client(string cluster)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster, "skwasm-test"));
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(_connection));
            client.AddWasmSandboxClient();
        });
        return builder.Build();
    }

    [AzuriteFact]
    public async Task Sessions_in_blob_storage_move_between_silos_found_through_table_clustering()
    {
        string cluster = "c" + Guid.NewGuid().ToString("N")[..8];
        string container = "sessions-" + Guid.NewGuid().ToString("N")[..8];
        await new BlobContainerClient(_connection, container).CreateIfNotExistsAsync();
        using var siloA = Silo("a", cluster, container);
        using var siloB = Silo("b", cluster, container);
        await siloA.StartAsync();
        await siloB.StartAsync();
        using var client = Client(cluster);
        await client.StartAsync();
        var sandbox = client.Services.GetRequiredService<ICodeSandbox>();

        string id = (await sandbox.Sessions.CreateAsync()).Id;
        var first = await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "x = 41\nopen('note.txt', 'w').write('kept')") { SessionId = id });
        Assert.True(first.IsSuccess, first.Stderr);
        var grain = client.Services.GetRequiredService<IClusterClient>().GetGrain<ISandboxSessionGrain>(id);
        string owner = await grain.GetSiloAsync();
        var (stopping, staying) = owner.Contains(Address(siloA), StringComparison.Ordinal) ? (siloA, siloB) : (siloB, siloA);
        Assert.Contains(Address(stopping), owner, StringComparison.Ordinal);

        await stopping.StopAsync(); // a deploy: its grains write their sessions and give them up
        var moved = await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "x += 1\nprint(x, open('note.txt').read())") { SessionId = id });
        Assert.Equal("42 kept\n", moved.Stdout);
        Assert.Contains(Address(staying), await grain.GetSiloAsync(), StringComparison.Ordinal);
        Assert.True(await sandbox.Sessions.DestroyAsync(id));
        await client.StopAsync();
        await staying.StopAsync();
    }

    private static string Address(IHost silo) => silo.Services.GetRequiredService<global::Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToString();

    public Task DisposeAsync()
    {
        foreach (var process in _azurite) AzuriteProcess.Stop(process);
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }
}
