using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;

namespace SkWasmPlugin.Sandbox.AzureBlob.Tests;

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
        // Outside CI the facts are skipped when Azurite is missing; in CI they fail here with the reason.
        string? azurite = AzuriteLocator.Executable;
        if (azurite is null)
        {
            if (AzuriteLocator.InCi) throw new InvalidOperationException(AzuriteLocator.Problem);
            return;
        }
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
            catch (SocketException ex)
            {
                string why = _process.HasExited
                    ? $"exited with {_process.ExitCode}: {(await _process.StandardError.ReadToEndAsync()).Trim()}"
                    : "did not listen within 30 s";
                throw new InvalidOperationException($"Azurite ({azurite}) {why}", ex);
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
