using System.Diagnostics;

namespace SkWasmPlugin.Sandbox.AzureBlob.Tests;

/// <summary>
/// Finds Azurite (npm package 'azurite'): $SKWASM_AZURITE, the cache folder ~/.cache/skwasm/azurite, or PATH; when none
/// has it, installs it from npm into the cache folder, once per process (so <c>dotnet test</c> alone runs the blob tests).
/// </summary>
public static class AzuriteLocator
{
    public const string Version = "3.37.0";
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly Lazy<(string? Path, string? Problem)> Located = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string CacheFolder { get; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "skwasm", "azurite");

    /// <summary>In CI (CI=true) a missing Azurite fails the tests instead of skipping them.</summary>
    public static bool InCi { get; } = Environment.GetEnvironmentVariable("CI") is { } ci
        && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>The azurite-blob executable, or null with <see cref="Problem"/> saying why.</summary>
    public static string? Executable => Located.Value.Path;

    public static string? Problem => Located.Value.Problem;

    private static (string?, string?) Locate()
    {
        if (Find() is { } found) return (found, null);
        try
        {
            Install();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return (null, $"Azurite is not installed and installing it failed ({ex.Message}). Install it with " +
                          $"`npm install --prefix {CacheFolder} azurite@{Version}` or set SKWASM_AZURITE to azurite-blob.");
        }
        return Find() is { } installed ? (installed, null) : (null, $"npm installed azurite into {CacheFolder} but azurite-blob is not there.");
    }

    private static string? Find()
    {
        string? env = Environment.GetEnvironmentVariable("SKWASM_AZURITE");
        if (!string.IsNullOrEmpty(env) && File.Exists(env)) return env;
        string cached = Path.Combine(CacheFolder, "node_modules", ".bin", "azurite-blob");
        if (File.Exists(cached)) return cached;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, "azurite-blob");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static void Install()
    {
        Directory.CreateDirectory(CacheFolder);
        // Test runs of several checkouts share the folder: one npm install at a time, the others wait and then find it.
        using var installLock = AcquireLock(Path.Combine(CacheFolder, ".install.lock"));
        if (Find() is not null) return;
        using var npm = Process.Start(new ProcessStartInfo("npm",
            ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", CacheFolder, $"azurite@{Version}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("npm did not start");
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        if (!npm.WaitForExit(InstallTimeout))
        {
            npm.Kill(entireProcessTree: true);
            throw new TimeoutException($"npm install azurite@{Version} took more than {InstallTimeout.TotalMinutes} minutes");
        }
        npm.WaitForExit();
        if (npm.ExitCode != 0)
            throw new InvalidOperationException($"npm install azurite@{Version} exited with {npm.ExitCode}: {Last(stderr.Result + stdout.Result)}");
    }

    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow + InstallTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(500);
            }
        }
    }

    private static string Last(string text)
    {
        text = text.Trim();
        return text.Length <= 600 ? text : "…" + text[^600..];
    }
}
