using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// A host folder preopened for the guest. <paramref name="ReadAtStartup"/>: the interpreter's start-up reads its
/// files, so the cached start-up image depends on all of them; <paramref name="ListedDepth"/>: start-up lists its
/// folders this many levels deep (Python's finders list each sys.path entry), so the image depends on those names.
/// </summary>
/// <remarks><see cref="HashedFiles"/>: files of the mount (relative paths) whose content the start-up image holds (our runner), hashed
/// into its cache key so a changed runner never reuses an old image even where copies keep sizes and times.</remarks>
internal sealed record Mount(string HostPath, string GuestPath, bool ReadAtStartup = false, int ListedDepth = 0)
{
    public IReadOnlyList<string> HashedFiles { get; init; } = [];
}

/// <summary>
/// One language runtime: its compiled module, its read-only mounts, and the memory image of an interpreter
/// that has already started (taken once per process), from which every new interpreter is restored.
/// Over 300 lines because the start-up image's cache (its key, lock, stored form) lives with the start-up it caches;
/// moving it to its own type beside ModuleCache is open work.
/// </summary>
internal sealed class GuestRuntime : IDisposable
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
        _scratchRoot = scratchRoot;
        var clock = Stopwatch.StartNew();
        string wasmSha = host.Cache.WasmSha256(wasmPath);
        try
        {
            _module = host.Cache.Load(host.Stateless.Engine, language.Name(), () => File.ReadAllBytes(wasmPath), wasmSha);
        }
        catch (WasmtimeException ex)
        {
            throw new InvalidOperationException(
                $"The {language.Name()} runtime '{wasmPath}' is not a valid WebAssembly module ({ex.Message.Split('\n')[0]}). " +
                "Restore it with 'git checkout -- runtimes' or rebuild it with runtimes/build-all.sh.", ex);
        }
        _sessionModule = new(() => ReferenceEquals(host.Sessions, host.Stateless)
            ? _module
            : host.Cache.LoadCopy(host.Sessions.Engine, language.Name(), _module, wasmSha));
        string layout = string.Join(";", mounts.Select(m => m.GuestPath));
        BuildKey = wasmSha + "|" + layout;
        string? snapshotFile = host.Cache.Directory is { } cacheDir ? StartedImagePath(cacheDir, language, wasmSha, mounts) : null;
        if (snapshotFile is not null) host.Cache.MarkUsed(snapshotFile);

        var cached = snapshotFile is null ? null : TryReadStarted(snapshotFile, host.Options.MaxMemoryBytes);
        // Another process may be starting this very runtime: wait for its image rather than start it a second time.
        using var held = snapshotFile is not null && cached is null ? CacheLock.TryAcquire(snapshotFile, CacheLock.DefaultWait) : null;
        if (held is not null) cached = TryReadStarted(snapshotFile!, host.Options.MaxMemoryBytes);
        if (cached is { } image)
        {
            // Another process already started this exact runtime: reuse its start-up image, no instance needed.
            (StartedImage, InterruptPlan, StartupFuel) = image;
        }
        else
        {
            string scratch = NewScratch("startup");
            try
            {
                using var pristine = new GuestInstance(this, host.Stateless, scratch, Unlimited(scratch));
                using var instance = new GuestInstance(this, host.Stateless, scratch, Unlimited(scratch));
                instance.Initialize(InitFuel);
                StartupFuel = InitFuel - instance.FuelLeft;
                InterruptPlan = instance.ReadInterruptPlan();
                StartedImage = instance.Capture(pristine.MemorySpan);
                if (snapshotFile is not null) TryWriteStarted(snapshotFile);
            }
            finally
            {
                TryDeleteDirectory(scratch);
            }
        }
        _reference = new(NewReference, LazyThreadSafetyMode.ExecutionAndPublication);
        StartupTime = clock.Elapsed;
        Log.RuntimeReady(logger, language.Name(), clock.ElapsedMilliseconds, StartupFuel);
    }

    private readonly string _scratchRoot;

    /// <summary>
    /// The cached start-up image's file: keyed by Wasmtime, the runtime build and mount layout, the start-up's fuel,
    /// what start-up reads from the mounts, and the form of the image.
    /// </summary>
    internal static string StartedImagePath(string cacheDir, Language language, string wasmSha, IReadOnlyList<Mount> mounts)
    {
        string buildKey = wasmSha + "|" + string.Join(";", mounts.Select(m => m.GuestPath));
        string key = $"{ModuleCache.WasmtimeVersion}|{buildKey}|{InitFuel}|{MountFingerprint(mounts)}|started-2";
        return Path.Combine(cacheDir, $"{language.Name()}-{Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..32]}.started");
    }

    private string NewScratch(string purpose)
    {
        string path = Path.Combine(_scratchRoot, purpose + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static WorkspaceQuota Unlimited(string path) => new(path, long.MaxValue, int.MaxValue);

    /// <summary>
    /// A started interpreter that never runs code: the baseline session checkpoints are diffed against. Its
    /// memory is the module's copy-on-write image with the start-up pages written over it, so it costs about
    /// the start-up image in memory, made on the first checkpoint rather than at every process start.
    /// </summary>
    private readonly Lazy<ReferenceInterpreter> _reference;

    private ReferenceInterpreter NewReference()
    {
        string scratch = NewScratch("reference");
        try
        {
            var reference = new GuestInstance(this, Host.Sessions, scratch, Unlimited(scratch));
            reference.Apply(StartedImage);
            return new ReferenceInterpreter(reference);
        }
        finally
        {
            TryDeleteDirectory(scratch); // its /app is never used: the interpreter never runs
        }
    }

    /// <summary>Drops the reference interpreter (before the engines go).</summary>
    public void Dispose()
    {
        if (_reference.IsValueCreated) _reference.Value.Dispose();
    }

    private const string StartedMagic = "SKWASM-STARTED-1";

    /// <summary>
    /// Files, bytes and newest write time of each mount start-up reads: the start-up image holds code read
    /// from them (the standard library, our runner), so a changed mount must not reuse an old image.
    /// </summary>
    private static string MountFingerprint(IReadOnlyList<Mount> mounts)
    {
        var parts = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var mount in mounts.Where(m => m.ReadAtStartup))
        {
            long count = 0, bytes = 0, newest = 0;
            foreach (var file in new DirectoryInfo(mount.HostPath).EnumerateFiles("*", options))
            {
                count++;
                bytes += file.Length;
                newest = Math.Max(newest, file.LastWriteTimeUtc.Ticks);
            }
            parts.Add($"{mount.GuestPath}:{count}:{bytes}:{newest}");
            foreach (string rel in mount.HashedFiles)
            {
                string file = Path.Combine(mount.HostPath, rel);
                parts.Add(rel + ":" + (File.Exists(file) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))) : "-"));
            }
        }
        foreach (var mount in mounts.Where(m => !m.ReadAtStartup && m.ListedDepth > 0 && Directory.Exists(m.HostPath)))
        {
            var names = new List<string>();
            var level = new List<string> { mount.HostPath };
            for (int depth = 0; depth < mount.ListedDepth && level.Count > 0; depth++)
            {
                var next = new List<string>();
                foreach (string dir in level)
                    foreach (string entry in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal))
                    {
                        names.Add(Path.GetRelativePath(mount.HostPath, entry));
                        if (Directory.Exists(entry)) next.Add(entry);
                    }
                level = next;
            }
            parts.Add($"{mount.GuestPath}:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", names)))));
        }
        return string.Join(";", parts);
    }

    /// <summary>
    /// The start-up image cached on disk beside the compiled module (keyed by Wasmtime version, runtime build
    /// and mount layout), so a new process skips the interpreter's start-up. Unreadable or foreign: null.
    /// </summary>
    private static (PageImage Image, IReadOnlyList<(int Address, int Value)> Plan, long Fuel)? TryReadStarted(string path, long maxMemoryBytes)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (reader.ReadString() != StartedMagic) return null;
            long fuel = reader.ReadInt64();
            int count = reader.ReadInt32();
            if (count is < 0 or > SoftStopController.MaxPlanEntries) return null;
            var plan = new List<(int, int)>();
            for (int i = 0; i < count; i++) plan.Add((reader.ReadInt32(), reader.ReadInt32()));
            return (PageImage.ReadFrom(reader, maxMemoryBytes), plan, fuel);
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
    /// a started interpreter; <see cref="PageImage.WriteTo"/> writes its stored, process-independent form.
    /// </summary>
    public PageImage Capture(GuestInstance instance) => instance.Capture(_reference.Value.Memory, StartedImage);

    /// <summary>
    /// Restores a session's interpreter that trapped to <paramref name="checkpoint"/> (null: the started state)
    /// without replacing it; false when that cannot be done exactly and a new instance is needed.
    /// </summary>
    public bool TryRestoreInPlace(GuestInstance instance, PageImage? checkpoint)
    {
        var image = checkpoint ?? StartedImage;
        // The started memory is what the image's pages are written over only when it layers on the started image.
        if (!ReferenceEquals(image, StartedImage) && !ReferenceEquals(image.Base, StartedImage)) return false;
        return instance.TryRestoreInPlace(image, _reference.Value.Memory);
    }

    /// <summary>
    /// The reference interpreter and the address of its memory, taken once: sessions diff against it from many
    /// threads at once, and since it never runs (so never grows) the memory stays where it is.
    /// </summary>
    private sealed unsafe class ReferenceInterpreter(GuestInstance instance) : IDisposable
    {
        private readonly byte* _memory = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(instance.MemorySpan));
        private readonly int _length = instance.MemorySpan.Length;

        public ReadOnlySpan<byte> Memory => new(_memory, _length);

        public void Dispose() => instance.Dispose();
    }

    /// <summary>The compiled module for <paramref name="engine"/> (the same code, deserialized once per engine).</summary>
    public Module ModuleFor(WasmEngine engine) => ReferenceEquals(engine, Host.Stateless) ? _module : _sessionModule.Value;

    /// <summary>
    /// A new interpreter in the started state, with <paramref name="workspacePath"/> at /app; a session's
    /// (<paramref name="forSession"/>) lives on the session engine, whose memory is released when it is dropped.
    /// </summary>
    public GuestInstance NewInstance(string workspacePath, WorkspaceQuota quota, PageImage? checkpoint = null, bool forSession = false)
    {
        var instance = new GuestInstance(this, forSession ? Host.Sessions : Host.Stateless, workspacePath, quota, forSession);
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
