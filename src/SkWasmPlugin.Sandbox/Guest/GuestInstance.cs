using System.Text;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>How one guest call ended, before guidance is added.</summary>
internal sealed record RawExecution(
    ExecutionOutcome Outcome,
    int? ExitCode,
    string Stdout,
    string Stderr,
    bool StdoutTruncated,
    bool StderrTruncated,
    long FuelConsumed,
    string? ReportJson,
    string? TrapMessage)
{
    /// <summary>True when the instance must not run again (a trap corrupts the interpreter's state).</summary>
    public bool InstanceSpoiled { get; init; }

    /// <summary>The interpreter's linear memory at the end of the call: its largest size so far, since wasm memory only grows.</summary>
    public long PeakMemoryBytes { get; init; }

    /// <summary>Files the call created or changed under /app; null when it changed none.</summary>
    public WorkspaceChanges? Files { get; init; }
}

/// <summary>
/// One live guest interpreter: a Wasmtime store and instance of a reactor runtime (see runtimes/ABI.md), and the
/// orchestration of a call on it. Its limits are watched by a <see cref="SoftStopController"/>, its memory images
/// taken and written by <see cref="GuestMemory"/>, its file calls checked by <see cref="GuestFileGate"/>.
/// Not thread-safe: the owner serialises calls. After a trap the instance is spoiled and must be dropped.
/// One job, an interpreter and its call, in about 300 lines: the ABI's exports, the call's set-up and its reading back
/// share the store and the buffers; what grew around them (limits, memory images, files) already lives in those types.
/// </summary>
internal sealed class GuestInstance : IDisposable
{
    private const string Wasi = "wasi_snapshot_preview1";

    private readonly Store _store;
    private readonly Memory _memory;
    private readonly GuestMemory _image;
    private readonly Func<int, int> _alloc;
    private readonly Action<int> _free;
    private readonly Func<int, int, int, int, int, int> _exec;
    private readonly Func<int> _report;
    private readonly Instance _instance;
    private readonly OutputCapture _stdout = new(OutputStream.Stdout);
    private readonly OutputCapture _stderr = new(OutputStream.Stderr);
    public GuestRuntime Runtime { get; }
    public string WorkspacePath { get; }
    public bool Spoiled { get; private set; }

    public WorkspaceQuota Quota => Files.Quota;

    /// <summary>The guest's file-system calls the host checks (quota, descriptor budgets).</summary>
    internal GuestFileGate Files { get; }

    /// <summary>The limits of the running call; a blocking host function (sleep) asks it when to wake.</summary>
    internal SoftStopController SoftStop { get; }

    /// <summary>The compiled code this interpreter runs (its runtime's current code when it was made).</summary>
    public RuntimeCode Code { get; }

    private readonly WasmEngine _engine;
    private int _disposed;

    /// <summary>An interpreter on <paramref name="engine"/>, holding it; null when that engine has already gone.</summary>
    public static GuestInstance? TryCreate(GuestRuntime runtime, RuntimeCode code, WasmEngine engine, string workspacePath, WorkspaceQuota quota, bool forSession = false)
    {
        if (!engine.TryAcquire()) return null;
        try
        {
            return new GuestInstance(runtime, code, engine, workspacePath, quota, forSession);
        }
        catch
        {
            engine.Release();
            throw;
        }
    }

    /// <summary>An interpreter on <paramref name="engine"/>, holding it; throws when that engine has already gone.</summary>
    public static GuestInstance Create(GuestRuntime runtime, RuntimeCode code, WasmEngine engine, string workspacePath, WorkspaceQuota quota) =>
        TryCreate(runtime, code, engine, workspacePath, quota) ?? throw new ObjectDisposedException(nameof(WasmEngine));

    private GuestInstance(GuestRuntime runtime, RuntimeCode code, WasmEngine engine, string workspacePath, WorkspaceQuota quota, bool forSession)
    {
        Runtime = runtime;
        Code = code;
        _engine = engine;
        WorkspacePath = workspacePath;
        _store = new Store(engine.Engine, this);
        var wasi = new WasiConfiguration()
            .WithStandardOutputCallback(data => _stdout.Write(data))
            .WithStandardErrorCallback(data => _stderr.Write(data));
        // Preopen order is part of the guest's memory (its fd table): snapshots need the same order every time.
        foreach (var mount in runtime.ReadOnlyMounts)
            wasi = wasi.WithPreopenedDirectory(mount.HostPath, mount.GuestPath, false);
        wasi = wasi.WithPreopenedDirectory(workspacePath, "/app", true);
        _store.SetWasiConfiguration(wasi);
        _instance = engine.Linker.Instantiate(_store, code.ModuleFor(engine));
        _memory = _instance.GetMemory("memory") ?? throw Missing("memory");
        var stackPointer = _instance.GetGlobal("__stack_pointer") ?? throw Missing("__stack_pointer");
        _image = new GuestMemory(_memory, stackPointer, untouched: !engine.Pooled);
        // The runtime's interrupt plan is known before any of its instances runs a call (the start-up instances only
        // start). The callback is set once the memory is known: instantiating a reactor runs no guest code.
        SoftStop = new SoftStopController(_memory, runtime.InterruptPlan, runtime.Host.Options.EpochInterval, _stdout, _stderr);
        _store.SetEpochDeadlineCallback(SoftStop.OnEpochDeadline);
        Files = new GuestFileGate(runtime.Host, NewTrampoline, _memory, stackPointer, quota, forSession, (_stdout, _stderr));
        _alloc = _instance.GetFunction<int, int>("sk_alloc") ?? throw Missing("sk_alloc");
        _free = _instance.GetAction<int>("sk_free") ?? throw Missing("sk_free");
        _exec = _instance.GetFunction<int, int, int, int, int, int>("sk_exec") ?? throw Missing("sk_exec");
        _report = _instance.GetFunction<int>("sk_report") ?? throw Missing("sk_report");
    }

    /// <summary>Our WASI trampoline in this interpreter's store, importing its memory and plain WASI (made on the file gate's first need).</summary>
    private Instance NewTrampoline()
    {
        var plain = _engine.WasiLinker;
        var imports = new object[WasmEngine.TrampolineFunctions.Length + 1];
        imports[0] = _memory;
        for (int i = 1; i < imports.Length; i++) imports[i] = plain.GetFunction(_store, Wasi, WasmEngine.TrampolineFunctions[i - 1].Name)!;
        return new Instance(_store, _engine.Trampoline, imports);
    }

    private InvalidOperationException Missing(string export) =>
        new($"The {Runtime.Language.Name()} runtime '{Runtime.WasmPath}' lacks the export '{export}'. " +
            "It was not built by runtimes/*/build.sh for this version; rebuild it or restore the committed file.");

    /// <summary>Reads the soft-stop plan (address/value pairs) the runtime exports, if it has one.</summary>
    public IReadOnlyList<(int Address, int Value)> ReadInterruptPlan()
    {
        var planFn = _instance.GetFunction<int>("sk_interrupt_plan");
        if (planFn is null) return [];
        int ptr = planFn();
        var plan = new List<(int, int)>();
        for (int i = 0; i < SoftStopController.MaxPlanEntries; i++)
        {
            int address = _memory.ReadInt32(ptr + 8L * i);
            if (address == 0) break;
            plan.Add((address, _memory.ReadInt32(ptr + 8L * i + 4)));
        }
        return plan;
    }

    /// <summary>Runs wasi-libc constructors and the interpreter's start-up (used once, for the base snapshot).</summary>
    public int Initialize(long fuel)
    {
        _store.Fuel = (ulong)fuel;
        _store.SetEpochDeadline(ulong.MaxValue / 2);
        (_instance.GetAction("_initialize") ?? throw Missing("_initialize"))();
        var init = _instance.GetFunction<int, int>("sk_init") ?? throw Missing("sk_init");
        int rc = init(0);
        if (rc != 0)
            throw new InvalidOperationException(
                $"The {Runtime.Language.Name()} runtime failed to start (sk_init returned {rc}); its files under '{Path.GetDirectoryName(Runtime.WasmPath)}' " +
                $"may be damaged: restore them with 'git checkout -- runtimes' (or reinstall the package), or rebuild with runtimes/build-all.sh. " +
                $"Guest output: {_stderr.Text()} {_stdout.Text()}".Trim());
        return rc;
    }

    /// <summary>Fuel left in the store.</summary>
    public long FuelLeft => (long)_store.Fuel;

    public long MemoryLength => _image.Length;

    /// <summary>The whole linear memory, read in place (valid until the memory grows or the instance is dropped).</summary>
    public ReadOnlySpan<byte> MemorySpan => _image.Span;

    /// <summary>The pages that differ from <paramref name="baseline"/>, the memory of <paramref name="baseImage"/> (null: of a fresh instance).</summary>
    public PageImage Capture(ReadOnlySpan<byte> baseline, PageImage? baseImage = null) => _image.Capture(baseline, baseImage, Files.OpenFiles);

    /// <summary>
    /// Puts this interpreter back into the state <paramref name="image"/> describes, in place, after a trap
    /// (<see cref="GuestMemory.TryRestoreInPlace"/>; <paramref name="started"/> is a started interpreter's memory, the
    /// image's base). Much cheaper than a new instance, whose every page must be faulted in again, and the WASI state
    /// (open descriptors) is kept, which a new instance could not do. False, changing nothing, when it cannot be done exactly.
    /// </summary>
    public bool TryRestoreInPlace(PageImage image, ReadOnlySpan<byte> started, ReadOnlyMemory<byte>[]? sources = null)
    {
        if (!_image.TryRestoreInPlace(image, started, sources)) return false;
        // Files the trapped call (or calls since the checkpoint) opened: the restored interpreter has no object
        // for them, so they would stay open, unreachable, until the session ends.
        foreach (int fd in Files.OpenFiles.Except(image.OpenFiles).ToList())
            Files.Close(fd);
        Spoiled = false;
        return true;
    }

    /// <summary>Writes an image over this (fresh) instance: grows memory to its length, then writes its pages.</summary>
    public void Apply(PageImage image) => _image.Apply(image);

    /// <summary>Runs one cell. A streamed call passes <paramref name="output"/>, which gets the output (within the caps) while the guest runs.</summary>
    public RawExecution Execute(string code, string? stdin, int flags, EffectiveLimits limits, CancellationToken cancellationToken,
        OutputForwarder? output = null)
    {
        if (Spoiled) throw new InvalidOperationException("This guest instance trapped earlier and cannot run again.");
        _stdout.Reset(limits.MaxStdoutBytes, output);
        _stderr.Reset(limits.MaxStderrBytes, output);
        _store.SetLimits(memorySize: limits.MemoryBytes);
        // The store holds exactly the budget, so a program that finishes never used more. Each epoch tick
        // checks the burn rate; when the budget would run out before the next tick, the interpreter is
        // asked to stop itself (a real traceback at the running line, state kept) and given a small
        // reserve to unwind with. A burn too fast for that ends in the OutOfFuel trap instead.
        _store.Fuel = (ulong)limits.Fuel;
        SoftStop.Begin(limits, cancellationToken);
        _store.SetEpochDeadline(1);

        byte[] codeBytes = Encoding.UTF8.GetBytes(code);
        byte[] inputBytes = stdin is null ? [] : Encoding.UTF8.GetBytes(stdin);
        int exitCode = 0;
        ExecutionOutcome? stopped = null;
        string? trapMessage = null;
        string? report = null;
        try
        {
            int codePtr = WriteBuffer(codeBytes);
            // No input (most calls): the runners take a null buffer, which spares two calls into the guest.
            int inputPtr = inputBytes.Length == 0 ? 0 : WriteBuffer(inputBytes);
            if (codePtr == 0 || (inputPtr == 0 && inputBytes.Length > 0))
            {
                stopped = ExecutionOutcome.MemoryExhausted;
                trapMessage = "The program's source and input did not fit in the guest memory limit.";
            }
            else
            {
                exitCode = _exec(codePtr, codeBytes.Length, inputPtr, inputBytes.Length, flags);
                report = ReadReport(_report());
                _free(codePtr);
                if (inputPtr != 0) _free(inputPtr);
            }
        }
        catch (WasmtimeException ex) when (ex.ExitCode is { } exited && ex.InnerException is not SoftStopController.GuestStop)
        {
            // WASI proc_exit (os._exit(n), a signal the guest raised on itself): the program ended with a code,
            // not a crash. The interpreter was not unwound, so the instance cannot run again.
            Spoiled = true;
            exitCode = exited;
        }
        catch (Exception ex) when (ex is WasmtimeException or TrapException)
        {
            Spoiled = true;
            (stopped, trapMessage) = Classify(ex, limits);
        }

        long consumed = limits.Fuel - (long)_store.Fuel;
        var softReason = SoftStop.End();
        if (stopped is null && softReason is { } reason && SoftStopController.IsInterruptReport(report))
        {
            // The interpreter stopped itself at our request: a limit outcome with the user's line, state intact.
            stopped = reason;
            trapMessage = SoftStopController.Message(reason, limits);
            exitCode = 1;
        }
        // Output over the cap stops the program (at the next epoch tick) even when it finished first.
        if (stopped is null && (_stdout.Overflowed || _stderr.Overflowed))
            stopped = ExecutionOutcome.OutputLimitExceeded;
        var outcome = stopped ?? (exitCode == 0 ? ExecutionOutcome.Success : ExecutionOutcome.Error);
        return new RawExecution(outcome, stopped is null || !Spoiled ? exitCode : null, _stdout.Text(), _stderr.Text(),
            _stdout.Overflowed, _stderr.Overflowed, consumed, report, trapMessage) { InstanceSpoiled = Spoiled, PeakMemoryBytes = _memory.GetLength() };
    }

    /// <summary>The report's text (NUL-terminated UTF-8 in guest memory); null when it is longer than the host reads.</summary>
    private string? ReadReport(int pointer)
    {
        long length = _memory.GetLength();
        if (pointer <= 0 || pointer >= length) return null;
        var text = _memory.GetSpan(pointer, (int)Math.Min(Guidance.GuestReport.MaxReportBytes + 1, length - pointer));
        int end = text.IndexOf((byte)0);
        return end < 0 ? null : Encoding.UTF8.GetString(text[..end]);
    }

    private int WriteBuffer(byte[] bytes)
    {
        int ptr = _alloc(Math.Max(bytes.Length, 1));
        if (ptr != 0 && bytes.Length > 0)
            bytes.CopyTo(_memory.GetSpan(ptr, bytes.Length));
        return ptr;
    }

    private (ExecutionOutcome, string) Classify(Exception ex, EffectiveLimits limits)
    {
        if (ex.InnerException is SoftStopController.GuestStop stop)
            return (stop.Outcome, stop.Message);
        // A flood of output can burn the rest of the fuel before the next tick stops it: the cap was hit first.
        if (_stdout.Overflowed || _stderr.Overflowed)
            return (ExecutionOutcome.OutputLimitExceeded, "The program wrote more output than allowed.");
        if (ex is TrapException trap)
        {
            switch (trap.Type)
            {
                case TrapCode.OutOfFuel:
                    return (ExecutionOutcome.FuelExhausted, $"The program used its whole fuel budget of {limits.Fuel:N0} instructions.");
                case TrapCode.StackOverflow:
                    return (ExecutionOutcome.Crashed, "The interpreter ran out of native stack (recursion too deep).");
            }
        }
        // A trap near the memory limit is an allocation that could not be satisfied (C code that aborts on NULL).
        if (_memory.GetLength() + 2 * Memory.PageSize > limits.MemoryBytes)
            return (ExecutionOutcome.MemoryExhausted, $"The program needed more than {limits.MemoryBytes / (1024 * 1024)} MB of memory.");
        string first = ex.Message.Split('\n')[0];
        return (ExecutionOutcome.Crashed, $"The interpreter trapped: {first}");
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Files.ReleaseAll();
        _store.Dispose(); // closes every descriptor the guest still held
        _engine.Release();
    }
}
