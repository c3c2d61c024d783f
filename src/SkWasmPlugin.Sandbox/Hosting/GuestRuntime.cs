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
        byte[] wasm = File.ReadAllBytes(wasmPath);
        string wasmSha = Convert.ToHexStringLower(SHA256.HashData(wasm));
        try
        {
            Module = host.Cache.Load(host.Engine, language.Name(), wasm, wasmSha);
        }
        catch (WasmtimeException ex)
        {
            throw new InvalidOperationException(
                $"The {language.Name()} runtime '{wasmPath}' is not a valid WebAssembly module ({ex.Message.Split('\n')[0]}). " +
                "Restore it with 'git checkout -- runtimes' or rebuild it with runtimes/build-all.sh.", ex);
        }
        string layout = string.Join(";", mounts.Select(m => m.GuestPath));
        BuildKey = wasmSha + "|" + layout;
        string? snapshotFile = host.Cache.Directory is { } cacheDir
            ? Path.Combine(cacheDir, $"{language.Name()}-{Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{ModuleCache.WasmtimeVersion}|{BuildKey}|{InitFuel}|{MountFingerprint(mounts)}|started-1")))[..32]}.started")
            : null;

        string scratch = Path.Combine(scratchRoot, "startup-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            using var instance = new GuestInstance(this, scratch, new WorkspaceQuota(scratch, long.MaxValue, int.MaxValue));
            byte[] fresh = instance.CopyMemory();
            FreshMemory = fresh;
            if (snapshotFile is not null && TryReadStarted(snapshotFile) is { } cached)
            {
                // Another process already started this exact runtime: reuse its start-up image.
                (StartedImage, InterruptPlan, StartupFuel) = cached;
            }
            else
            {
                instance.Initialize(InitFuel);
                StartupFuel = InitFuel - instance.FuelLeft;
                InterruptPlan = instance.ReadInterruptPlan();
                StartedImage = instance.Capture(fresh);
                if (snapshotFile is not null) TryWriteStarted(snapshotFile);
            }
        }
        finally
        {
            TryDeleteDirectory(scratch);
        }
        StartupTime = clock.Elapsed;
        Log.RuntimeReady(logger, language.Name(), clock.ElapsedMilliseconds, StartupFuel);
    }

    private const string StartedMagic = "SKWASM-STARTED-1";

    /// <summary>
    /// Files, bytes and newest write time of each read-only mount: the start-up image holds code read from
    /// them (the standard library, our runner), so a changed mount must not reuse an old image.
    /// </summary>
    private static string MountFingerprint(IReadOnlyList<Mount> mounts)
    {
        var parts = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var mount in mounts)
        {
            long count = 0, bytes = 0, newest = 0;
            foreach (var file in new DirectoryInfo(mount.HostPath).EnumerateFiles("*", options))
            {
                count++;
                bytes += file.Length;
                newest = Math.Max(newest, file.LastWriteTimeUtc.Ticks);
            }
            parts.Add($"{mount.GuestPath}:{count}:{bytes}:{newest}");
        }
        return string.Join(";", parts);
    }

    /// <summary>
    /// The start-up image cached on disk beside the compiled module (keyed by Wasmtime version, runtime build
    /// and mount layout), so a new process skips the interpreter's start-up. Unreadable or foreign: null.
    /// </summary>
    private static (PageImage Image, IReadOnlyList<(int Address, int Value)> Plan, long Fuel)? TryReadStarted(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (reader.ReadString() != StartedMagic) return null;
            long fuel = reader.ReadInt64();
            int count = reader.ReadInt32();
            if (count is < 0 or > 16) return null;
            var plan = new List<(int, int)>();
            for (int i = 0; i < count; i++) plan.Add((reader.ReadInt32(), reader.ReadInt32()));
            return (PageImage.ReadFrom(reader), plan, fuel);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or EndOfStreamException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void TryWriteStarted(string path)
    {
        try
        {
            string tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            using (var writer = new BinaryWriter(File.Create(tmp)))
            {
                writer.Write(StartedMagic);
                writer.Write(StartupFuel);
                writer.Write(InterruptPlan.Count);
                foreach (var (address, value) in InterruptPlan)
                {
                    writer.Write(address);
                    writer.Write(value);
                }
                StartedImage.WriteTo(writer);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only costs the next process a start-up.
        }
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
