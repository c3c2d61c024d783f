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
    private readonly Module _module;
    private readonly Lazy<Module> _sessionModule;
    public IReadOnlyList<Mount> ReadOnlyMounts { get; }

    /// <summary>sha256 of the .wasm and the mount layout: checkpoints are only valid for the same key.</summary>
    public string BuildKey { get; }

    /// <summary>Pages a started interpreter differs from a fresh instance in.</summary>
    public PageImage StartedImage { get; }

    /// <summary>
    /// The whole memory of a started interpreter (a fresh instance with <see cref="StartedImage"/> applied):
    /// the baseline of session checkpoints held in memory, so each holds only what its session changed.
    /// </summary>
    private readonly byte[] _startedMemory;

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
            _module = host.Cache.Load(host.Stateless.Engine, language.Name(), wasm, wasmSha);
        }
        catch (WasmtimeException ex)
        {
            throw new InvalidOperationException(
                $"The {language.Name()} runtime '{wasmPath}' is not a valid WebAssembly module ({ex.Message.Split('\n')[0]}). " +
                "Restore it with 'git checkout -- runtimes' or rebuild it with runtimes/build-all.sh.", ex);
        }
        _sessionModule = new(() => ReferenceEquals(host.Sessions, host.Stateless)
            ? _module
            : host.Cache.LoadForEngine(host.Sessions.Engine, language.Name(), _module, wasmSha));
        string layout = string.Join(";", mounts.Select(m => m.GuestPath));
        BuildKey = wasmSha + "|" + layout;
        string? snapshotFile = host.Cache.Directory is { } cacheDir
            ? Path.Combine(cacheDir, $"{language.Name()}-{Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{ModuleCache.WasmtimeVersion}|{BuildKey}|{InitFuel}|{MountFingerprint(mounts)}|started-1")))[..32]}.started")
            : null;

        string scratch = Path.Combine(scratchRoot, "startup-" + Guid.NewGuid().ToString("N"));
        byte[] fresh;
        Directory.CreateDirectory(scratch);
        try
        {
            using var instance = new GuestInstance(this, host.Stateless, scratch, new WorkspaceQuota(scratch, long.MaxValue, int.MaxValue));
            fresh = instance.CopyMemory();
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
        if (StartedImage.MemoryLength > fresh.Length) Array.Resize(ref fresh, checked((int)StartedImage.MemoryLength));
        StartedImage.ApplyTo(fresh);
        _startedMemory = fresh;
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

    /// <summary>
    /// The state of <paramref name="instance"/> (an interpreter of this runtime) as the pages that differ from
    /// a started interpreter; <see cref="PageImage.Flatten"/> gives its stored, process-independent form.
    /// </summary>
    public PageImage Capture(GuestInstance instance) => instance.Capture(_startedMemory, StartedImage);

    /// <summary>The compiled module for <paramref name="engine"/> (the same code, deserialized once per engine).</summary>
    public Module ModuleFor(WasmEngine engine) => ReferenceEquals(engine, Host.Stateless) ? _module : _sessionModule.Value;

    /// <summary>
    /// A new interpreter in the started state, with <paramref name="workspacePath"/> at /app; a session's
    /// (<paramref name="forSession"/>) lives on the session engine, whose memory is released when it is dropped.
    /// </summary>
    public GuestInstance NewInstance(string workspacePath, WorkspaceQuota quota, PageImage? checkpoint = null, bool forSession = false)
    {
        var instance = new GuestInstance(this, forSession ? Host.Sessions : Host.Stateless, workspacePath, quota);
        try
        {
            // A checkpoint either layers on the started image (its Base) or, as loaded from storage, holds
            // every page that differs from a fresh instance, the started state included.
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
