using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;

namespace SkWasmPlugin.Sandbox.AzureBlob.Tests;

/// <summary>Starts Azurite's blob service on a free loopback port for the test class and stops it after.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Process? _process;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "skwasm-azurite-" + Guid.NewGuid().ToString("N"));
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // Outside CI the facts are skipped when Azurite is missing; in CI they fail here with the reason.
        string? azurite = AzuriteLocator.Executable;
        if (azurite is null)
        {
            if (AzuriteLocator.InCi) throw new InvalidOperationException(AzuriteLocator.Problem);
            return;
        }
        int port = AzuriteProcess.FreePort();
        Directory.CreateDirectory(Root);
        _process = await AzuriteProcess.StartAsync(azurite, ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--location", Path.Combine(Root, "data")], port);
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteProcess.DevKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    public BlobContainerClient Container(string name) => new(ConnectionString, name);

    public Task DisposeAsync()
    {
        AzuriteProcess.Stop(_process);
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}
