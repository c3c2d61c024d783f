using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// One language runtime: its compiled module, its read-only mounts, and the memory image of an interpreter
/// that has already started (taken once per process, or read from <see cref="StartedImageCache"/>), from which
/// every new interpreter is restored. Its code (<see cref="RuntimeCode"/>) is the baseline compiler's until the
/// optimized code, compiled in the background, replaces it when the runtime started cold. One job, the runtime's
/// lifecycle: the code, the start-up image and the reference interpreter are swapped and read together.
/// </summary>
internal sealed class GuestRuntime : IDisposable
{
    /// <summary>The fuel the interpreter's start-up may use.</summary>
    internal const long InitFuel = 2_000_000_000;

    public Language Language { get; }
    public string WasmPath { get; }
    public WasmEngineHost Host { get; }
    public IReadOnlyList<Mount> ReadOnlyMounts { get; }

    /// <summary>The code new interpreters are made from: optimized, or the baseline compiler's until that is ready.</summary>
    private volatile RuntimeCode _current;

    /// <summary>The compiler of the code new interpreters run.</summary>
    public CompilerTier Compiler => _current.Compiler;

    /// <summary>Done when new interpreters run optimized code: at once unless the runtime started cold on baseline code.</summary>
    public Task Optimized { get; }

    /// <summary>sha256 of the .wasm and the mount layout: checkpoints are only valid for the same key.</summary>
    public string BuildKey { get; }

    /// <summary>Pages a started interpreter differs from a fresh instance in.</summary>
    public PageImage StartedImage { get; }

    /// <summary>Where to write what to make the running interpreter stop itself (see runtimes/ABI.md); empty: hard stops only.</summary>
    public IReadOnlyList<(int Address, int Value)> InterruptPlan { get; private set; } = [];

    /// <summary>Fuel and time the interpreter's start-up took (paid once per process).</summary>
    public long StartupFuel { get; }
    public TimeSpan StartupTime { get; }

    private readonly ILogger _logger;
    private readonly string _wasmSha;
    private int _disposed;

    public GuestRuntime(Language language, string wasmPath, IReadOnlyList<Mount> mounts, WasmEngineHost host, string scratchRoot, ILogger logger)
    {
        Language = language;
        WasmPath = wasmPath;
        Host = host;
        ReadOnlyMounts = mounts;
        _scratchRoot = scratchRoot;
        _logger = logger;
        var clock = Stopwatch.StartNew();
        bool cold;
        string wasmSha = _wasmSha = host.Cache.WasmSha256(wasmPath);
        try
        {
            _current = FirstCode(out cold);
        }
        catch (WasmtimeException ex)
        {
            throw new InvalidOperationException(
                $"The {language.Name()} runtime '{wasmPath}' is not a valid WebAssembly module ({ex.Message.Split('\n')[0]}). " +
                "Restore it with 'git checkout -- runtimes' or rebuild it with runtimes/build-all.sh.", ex);
        }
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
            // The image is the interpreter's memory: the same whichever compiler made the code that wrote it.
            string scratch = NewScratch("startup");
            try
            {
                var code = _current;
                using var pristine = GuestInstance.Create(this, code, code.Stateless, scratch, Unlimited(scratch));
                using var instance = GuestInstance.Create(this, code, code.Stateless, scratch, Unlimited(scratch));
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
        _reference = NewReferenceSlot();
        _startedSources = new(StartedImage.PageSources, LazyThreadSafetyMode.ExecutionAndPublication);
        Optimized = cold ? CompileOptimizedInBackground() : Task.CompletedTask;
        StartupTime = clock.Elapsed;
        Log.RuntimeReady(logger, language.Name(), clock.ElapsedMilliseconds, StartupFuel);
    }

    /// <summary>
    /// The optimized code when the cache has it (or when no baseline compiler may stand in: then compiled now, on every
    /// core); else the baseline compiler's, with <paramref name="cold"/> set: the optimized code is compiled after.
    /// </summary>
    private RuntimeCode FirstCode(out bool cold)
    {
        cold = false;
        string name = Language.Name();
        if (Host.Cache.TryLoadCached(Host.Stateless.Engine, name, _wasmSha) is { } cached) return RuntimeCode.Optimized(Host, name, _wasmSha, cached);
        if (Host.AcquireBaseline() is { } baseline)
        {
            try
            {
                var module = Host.BaselineCache.Load(baseline.Stateless.Engine, name, () => File.ReadAllBytes(WasmPath), _wasmSha);
                cold = true;
                return RuntimeCode.OnBaseline(Host, baseline, name, _wasmSha, module);
            }
            catch
            {
                baseline.Release();
                throw;
            }
        }
        return RuntimeCode.Optimized(Host, name, _wasmSha, Host.Cache.Load(Host.Stateless.Engine, name, () => File.ReadAllBytes(WasmPath), _wasmSha));
    }

    /// <summary>
    /// Compiles the optimized code on a background thread of its own (one core: the calls meanwhile keep the other),
    /// stores it in the cache (or, when another process is compiling it, waits for that and loads it), then makes it
    /// the code of new interpreters. Interpreters on baseline code finish what they run; stateless ones are not kept.
    /// </summary>
    private Task CompileOptimizedInBackground()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                Host.Options.OptimizedCompileGate?.Wait();
                string name = Language.Name();
                var module = Host.Cache.Load(Host.Stateless.Engine, name, () => RuntimeCode.CompileOptimizedOnThisThread(Host, name, WasmPath), _wasmSha);
                var next = RuntimeCode.Optimized(Host, name, _wasmSha, module);
                if (Volatile.Read(ref _disposed) != 0) return;
                var baseline = _current;
                _current = next;
                baseline.ReleaseHolds();
                // Session checkpoints are diffed against a started interpreter on the new code from now on; the old one
                // goes when the diffs reading it are done, and with it the last hold on the baseline session engine.
                var reference = Interlocked.Exchange(ref _reference, NewReferenceSlot());
                if (reference.IsValueCreated) reference.Value.Retire();
                Log.RuntimeOptimized(_logger, name, clock.ElapsedMilliseconds);
            }
#pragma warning disable CA1031 // a background thread: a failed compile leaves the runtime on its baseline code, it must not end the process
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (Volatile.Read(ref _disposed) == 0) Log.RuntimeOptimizeFailed(_logger, Language.Name(), ex.Message);
            }
            finally
            {
                done.TrySetResult();
            }
        })
        { IsBackground = true, Name = $"skwasm-optimize-{Language.Name()}", Priority = ThreadPriority.BelowNormal };
        thread.Start();
        return done.Task;
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
    private Lazy<ReferenceInterpreter> _reference;

    private Lazy<ReferenceInterpreter> NewReferenceSlot() => new(NewReference, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The current reference interpreter, held until the caller releases it (an older one may be retired meanwhile).</summary>
    private ReferenceInterpreter AcquireReference()
    {
        while (true)
        {
            var slot = Volatile.Read(ref _reference);
            var reference = slot.Value;
            // Made from a slot already replaced (the switch to optimized code raced with its making): nobody else retires it.
            if (!ReferenceEquals(slot, Volatile.Read(ref _reference))) reference.Retire();
            else if (reference.TryAcquire()) return reference;
        }
    }

    private ReferenceInterpreter NewReference()
    {
        string scratch = NewScratch("reference");
        try
        {
            var code = _current;
            var reference = GuestInstance.Create(this, code, code.Sessions, scratch, Unlimited(scratch));
            reference.Apply(StartedImage);
            return new ReferenceInterpreter(reference);
        }
        finally
        {
            TryDeleteDirectory(scratch); // its /app is never used: the interpreter never runs
        }
    }

    /// <summary>Drops the reference interpreter (before the engines go); a background compile still running is left to finish unused.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var reference = Volatile.Read(ref _reference);
        if (reference.IsValueCreated) reference.Value.Retire();
    }

    /// <summary>
    /// The state of <paramref name="instance"/> (an interpreter of this runtime) as the pages that differ from
    /// a started interpreter; <see cref="PageImage.WriteTo"/> writes its stored, process-independent form.
    /// </summary>
    public PageImage Capture(GuestInstance instance)
    {
        var reference = AcquireReference();
        try
        {
            return instance.Capture(reference.Memory, StartedImage);
        }
        finally
        {
            reference.Release();
        }
    }

    /// <summary>
    /// Restores a session's interpreter that trapped to <paramref name="checkpoint"/> (null: the started state)
    /// without replacing it; false when that cannot be done exactly and a new instance is needed.
    /// </summary>
    public bool TryRestoreInPlace(GuestInstance instance, PageImage? checkpoint)
    {
        // An interpreter on code new ones no longer get (baseline, once optimized code is in) is replaced, not kept.
        if (!IsCurrent(instance)) return false;
        var image = checkpoint ?? StartedImage;
        // The started memory is what the image's pages are written over only when it layers on the started image.
        if (!ReferenceEquals(image, StartedImage) && !ReferenceEquals(image.Base, StartedImage)) return false;
        var reference = AcquireReference();
        try
        {
            return instance.TryRestoreInPlace(image, reference.Memory, ReferenceEquals(image, StartedImage) ? _startedSources.Value : null);
        }
        finally
        {
            reference.Release();
        }
    }

    /// <summary>True when <paramref name="instance"/> runs the code new interpreters get (false: baseline code, replaced since).</summary>
    public bool IsCurrent(GuestInstance instance) => ReferenceEquals(instance.Code, _current);

    /// <summary>The started image's pages by number, made once: every stateless interpreter kept for the next call is put back with it.</summary>
    private readonly Lazy<ReadOnlyMemory<byte>[]> _startedSources;

    /// <summary>
    /// A new interpreter in the started state, with <paramref name="workspacePath"/> at /app; a session's
    /// (<paramref name="forSession"/>) lives on the session engine, whose memory is released when it is dropped.
    /// </summary>
    public GuestInstance NewInstance(string workspacePath, WorkspaceQuota quota, PageImage? checkpoint = null, bool forSession = false)
    {
        var instance = NewOnCurrentCode(workspacePath, quota, forSession);
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

    /// <summary>An interpreter on the current code: if that code's engine has just gone (the switch to optimized code), on the next.</summary>
    private GuestInstance NewOnCurrentCode(string workspacePath, WorkspaceQuota quota, bool forSession)
    {
        while (true)
        {
            var code = _current;
            var engine = forSession ? code.Sessions : code.Stateless;
            if (GuestInstance.TryCreate(this, code, engine, workspacePath, quota, forSession) is { } instance) return instance;
            if (ReferenceEquals(code, _current)) throw new ObjectDisposedException(nameof(WasmCodeSandbox));
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

