using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>A host folder the guest sees read-only at <see cref="GuestPath"/>.</summary>
internal sealed record Mount(string HostPath, string GuestPath);

/// <summary>
/// One language runtime: its compiled module, its read-only mounts, and the memory image of an interpreter
/// that has already started (taken once per process), from which every new interpreter is restored.
/// </summary>
internal sealed class GuestRuntime
{
    private const long InitFuel = 2_000_000_000;

    public Language Language { get; }
    public string WasmPath { get; }
    public WasmEngineHost Host { get; }
    public Module Module { get; }
    public IReadOnlyList<Mount> ReadOnlyMounts { get; }

    /// <summary>sha256 of the .wasm and the mount layout: checkpoints are only valid for the same key.</summary>
    public string BuildKey { get; }

    /// <summary>Pages a started interpreter differs from a fresh instance in.</summary>
    public PageImage StartedImage { get; }

    /// <summary>
    /// The memory of a fresh instance (the module's data segments): the baseline of session checkpoints.
    /// Unlike a started interpreter's memory it is the same in every process (start-up draws a random
    /// hash seed), so a stored checkpoint restores in any process running the same runtime build.
    /// </summary>
    public byte[] FreshMemory { get; }

    /// <summary>Where to write what to make the running interpreter stop itself (see runtimes/ABI.md); empty: hard stops only.</summary>
    public IReadOnlyList<(int Address, int Value)> InterruptPlan { get; private set; } = [];

    /// <summary>Fuel and time the interpreter's start-up took (paid once per process).</summary>
    public long StartupFuel { get; }
    public TimeSpan StartupTime { get; }

    public GuestRuntime(Language language, string wasmPath, IReadOnlyList<Mount> mounts, WasmEngineHost host, string scratchRoot, ILogger logger)
    {
        Language = language;
        WasmPath = wasmPath;
        Host = host;
        ReadOnlyMounts = mounts;
        var clock = Stopwatch.StartNew();
        try
        {
            Module = host.Cache.Load(host.Engine, language.Name(), wasmPath);
        }
        catch (WasmtimeException ex)
        {
            throw new InvalidOperationException(
                $"The {language.Name()} runtime '{wasmPath}' is not a valid WebAssembly module ({ex.Message.Split('\n')[0]}). " +
                "Restore it with 'git checkout -- runtimes' or rebuild it with runtimes/build-all.sh.", ex);
        }
        string layout = string.Join(";", mounts.Select(m => m.GuestPath));
        BuildKey = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(wasmPath))) + "|" + layout;

        string scratch = Path.Combine(scratchRoot, "startup-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            using var instance = new GuestInstance(this, scratch, new WorkspaceQuota(scratch, long.MaxValue, int.MaxValue));
            byte[] fresh = instance.CopyMemory();
            FreshMemory = fresh;
            instance.Initialize(InitFuel);
            StartupFuel = InitFuel - instance.FuelLeft;
            InterruptPlan = instance.ReadInterruptPlan();
            StartedImage = instance.Capture(fresh);
        }
        finally
        {
            TryDeleteDirectory(scratch);
        }
        StartupTime = clock.Elapsed;
        Log.RuntimeReady(logger, language.Name(), clock.ElapsedMilliseconds, StartupFuel);
    }

    /// <summary>A new interpreter in the started state, with <paramref name="workspacePath"/> at /app.</summary>
    public GuestInstance NewInstance(string workspacePath, WorkspaceQuota quota, PageImage? checkpoint = null)
    {
        var instance = new GuestInstance(this, workspacePath, quota);
        try
        {
            // A checkpoint holds every page that differs from a fresh instance, the started state included.
            instance.Apply(checkpoint ?? StartedImage);
            return instance;
        }
        catch
        {
            instance.Dispose();
            throw;
        }
    }

    internal static void TryDeleteDirectory(string path)
    {
        try
        {
            WorkspaceQuota.DeleteTree(path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
