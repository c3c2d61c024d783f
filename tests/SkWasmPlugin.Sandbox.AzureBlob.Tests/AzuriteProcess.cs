using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SkWasmPlugin.Sandbox.AzureBlob.Tests;

/// <summary>Starting one Azurite service on a loopback port and stopping it; free loopback ports for tests.</summary>
public static class AzuriteProcess
{
    /// <summary>Azurite's documented, public development account key.</summary>
    public const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Starts <paramref name="executable"/> (azurite-blob, azurite-table, …) and waits until it listens on <paramref name="port"/>.</summary>
    public static async Task<Process> StartAsync(string executable, IEnumerable<string> arguments, int port)
    {
        var process = Process.Start(new ProcessStartInfo(executable, [.. arguments, "--silent", "--skipApiVersionCheck", "--loose"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"{executable} did not start.");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return process;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (SocketException ex)
            {
                string why = process.HasExited
                    ? $"exited with {process.ExitCode}: {(await process.StandardError.ReadToEndAsync()).Trim()}"
                    : "did not listen within 30 s";
                Stop(process);
                throw new InvalidOperationException($"Azurite ({executable}) {why}", ex);
            }
        }
    }

    /// <summary>Stops a started service (and what it started).</summary>
    public static void Stop(Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        process?.Dispose();
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
