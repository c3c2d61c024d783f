using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;

namespace SkWasmPlugin.Sandbox.AzureBlob.Tests;

/// <summary>Finds Azurite (npm package 'azurite'): $SKWASM_AZURITE, the cache folder .ci/run installs into, or PATH.</summary>
public static class AzuriteLocator
{
    public static string? Find()
    {
        string? env = Environment.GetEnvironmentVariable("SKWASM_AZURITE");
        if (!string.IsNullOrEmpty(env) && File.Exists(env)) return env;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string cached = Path.Combine(home, ".cache", "skwasm", "azurite", "node_modules", ".bin", "azurite-blob");
        if (File.Exists(cached)) return cached;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, "azurite-blob");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

/// <summary>A fact that is skipped, saying why, when Azurite is not installed.</summary>
public sealed class AzuriteFactAttribute : FactAttribute
{
    public AzuriteFactAttribute()
    {
        if (AzuriteLocator.Find() is null)
            Skip = "Azurite is not installed: run `npm install --prefix ~/.cache/skwasm/azurite azurite` (.ci/run does) or set SKWASM_AZURITE to azurite-blob.";
    }
}

/// <summary>Starts Azurite's blob service on a free loopback port for the test class and stops it after.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // Azurite's documented, public development account key.
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private Process? _process;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "skwasm-azurite-" + Guid.NewGuid().ToString("N"));
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        string? azurite = AzuriteLocator.Find();
        if (azurite is null) return;
        int port = FreePort();
        Directory.CreateDirectory(Root);
        _process = Process.Start(new ProcessStartInfo(azurite,
            ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--location", Path.Combine(Root, "data"), "--silent", "--skipApiVersionCheck", "--loose"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Azurite did not start.");
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public BlobContainerClient Container(string name) => new(ConnectionString, name);

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}
