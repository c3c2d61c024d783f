using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// One language runtime: its compiled module, its read-only mounts, and the memory image of an interpreter
/// that has already started (taken once per process, or read from <see cref="StartedImageCache"/>), from which
/// every new interpreter is restored.
/// </summary>
internal sealed class GuestRuntime : IDisposable
{
    /// <summary>The fuel the interpreter's start-up may use.</summary>
    internal const long InitFuel = 2_000_000_000;

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
        BuildKey = BuildKeyOf(wasmSha, mounts);
        string? snapshotFile = host.Cache.Directory is { } cacheDir ? StartedImageCache.PathFor(cacheDir, language, wasmSha, mounts) : null;
        if (snapshotFile is not null) host.Cache.MarkUsed(snapshotFile);

        var cached = snapshotFile is null ? null : StartedImageCache.TryRead(snapshotFile, host.Options.MaxMemoryBytes);
        // Another process may be starting this very runtime: wait for its image rather than start it a second time.
        using var held = snapshotFile is not null && cached is null ? CacheLock.TryAcquire(snapshotFile, CacheLock.DefaultWait) : null;
        if (held is not null) cached = StartedImageCache.TryRead(snapshotFile!, host.Options.MaxMemoryBytes);
        if (cached is { } image)
        {
            // Another process already started this exact runtime: reuse its start-up image, no instance needed.
            (StartedImage, InterruptPlan, StartupFuel) = (image.Image, image.Plan, image.Fuel);
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
                if (snapshotFile is not null) StartedImageCache.TryWrite(snapshotFile, new CachedStartup(StartedImage, InterruptPlan, StartupFuel));
            }
            finally
            {
                TryDeleteDirectory(scratch);
            }
        }
        _reference = new(NewReference, LazyThreadSafetyMode.ExecutionAndPublication);
        _startedSources = new(StartedImage.PageSources, LazyThreadSafetyMode.ExecutionAndPublication);
        StartupTime = clock.Elapsed;
        Log.RuntimeReady(logger, language.Name(), clock.ElapsedMilliseconds, StartupFuel);
    }

    private readonly string _scratchRoot;

    /// <summary>What checkpoints and start-up images are valid for: the runtime's build and its mount layout.</summary>
    internal static string BuildKeyOf(string wasmSha, IReadOnlyList<Mount> mounts) =>
        wasmSha + "|" + string.Join(";", mounts.Select(m => m.GuestPath));

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
        return instance.TryRestoreInPlace(image, _reference.Value.Memory, ReferenceEquals(image, StartedImage) ? _startedSources.Value : null);
    }

    /// <summary>The started image's pages by number, made once: every stateless interpreter kept for the next call is put back with it.</summary>
    private readonly Lazy<ReadOnlyMemory<byte>[]> _startedSources;

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
