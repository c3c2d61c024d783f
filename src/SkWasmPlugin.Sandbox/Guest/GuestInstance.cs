using System.Diagnostics;
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
/// One live guest interpreter: a Wasmtime store and instance of a reactor runtime (see runtimes/ABI.md).
/// Not thread-safe: the owner serialises calls. After a trap the instance is spoiled and must be dropped.
/// Over 300 lines because it still holds two jobs: the call with its soft stop (epoch callback, interrupt plan) and
/// the memory capture/restore. Splitting the soft-stop controller out is open work (issue "Architecture").
/// </summary>
internal sealed class GuestInstance : IDisposable, GuestInstance.ISleepControl
{
    /// <summary>Lets a blocking host function (sleep) know when the call must end.</summary>
    internal interface ISleepControl
    {
        bool ShouldWake();
    }

    private readonly Store _store;
    private readonly Memory _memory;
    private readonly Global _stackPointer;
    private readonly Func<int, int> _alloc;
    private readonly Action<int> _free;
    private readonly Func<int, int, int, int, int, int> _exec;
    private readonly Func<int> _report;
    private readonly Instance _instance;
    private readonly OutputCapture _stdout = new(OutputStream.Stdout);
    private readonly OutputCapture _stderr = new(OutputStream.Stderr);
    private CallState? _call;
    public GuestRuntime Runtime { get; }
    public string WorkspacePath { get; }
    public bool Spoiled { get; private set; }

    public WorkspaceQuota Quota => Files.Quota;

    /// <summary>The guest's file-system calls the host checks (quota, descriptor budgets).</summary>
    internal GuestFileGate Files { get; }

    public GuestInstance(GuestRuntime runtime, WasmEngine engine, string workspacePath, WorkspaceQuota quota, bool forSession = false)
    {
        Runtime = runtime;
        WorkspacePath = workspacePath;
        _untouchedMemory = !engine.Pooled;
        _store = new Store(engine.Engine, this);
        var wasi = new WasiConfiguration()
            .WithStandardOutputCallback(data => _stdout.Write(data))
            .WithStandardErrorCallback(data => _stderr.Write(data));
        // Preopen order is part of the guest's memory (its fd table): snapshots need the same order every time.
        foreach (var mount in runtime.ReadOnlyMounts)
            wasi = wasi.WithPreopenedDirectory(mount.HostPath, mount.GuestPath, false);
        wasi = wasi.WithPreopenedDirectory(workspacePath, "/app", true);
        _store.SetWasiConfiguration(wasi);
        _store.SetEpochDeadlineCallback(OnEpochDeadline);
        _instance = engine.Linker.Instantiate(_store, runtime.ModuleFor(engine));
        var memory = _instance.GetMemory("memory") ?? throw Missing("memory");
        var stackPointer = _instance.GetGlobal("__stack_pointer") ?? throw Missing("__stack_pointer");
        var plain = engine.WasiLinker;
        object[] imports = [memory, .. WasmEngine.TrampolineFunctions.Select(f => (object)plain.GetFunction(_store, Wasi, f.Name)!)];
        var trampoline = new Instance(_store, engine.Trampoline, imports);
        Files = new GuestFileGate(runtime.Host, trampoline, memory, stackPointer, quota, forSession, (_stdout, _stderr));
        _memory = _instance.GetMemory("memory") ?? throw Missing("memory");
        _stackPointer = _instance.GetGlobal("__stack_pointer") ?? throw Missing("__stack_pointer");
        _alloc = _instance.GetFunction<int, int>("sk_alloc") ?? throw Missing("sk_alloc");
        _free = _instance.GetAction<int>("sk_free") ?? throw Missing("sk_free");
        _exec = _instance.GetFunction<int, int, int, int, int, int>("sk_exec") ?? throw Missing("sk_exec");
        _report = _instance.GetFunction<int>("sk_report") ?? throw Missing("sk_report");
    }

    private InvalidOperationException Missing(string export) =>
        new($"The {Runtime.Language.Name()} runtime '{Runtime.WasmPath}' lacks the export '{export}'. " +
            "It was not built by runtimes/*/build.sh for this version; rebuild it or restore the committed file.");

    /// <summary>Runs wasi-libc constructors and the interpreter's start-up (used once, for the base snapshot).</summary>
    /// <summary>Reads the soft-stop plan (address/value pairs) the runtime exports, if it has one.</summary>
    public IReadOnlyList<(int Address, int Value)> ReadInterruptPlan()
    {
        var planFn = _instance.GetFunction<int>("sk_interrupt_plan");
        if (planFn is null) return [];
        int ptr = planFn();
        var plan = new List<(int, int)>();
        for (int i = 0; i < 16; i++)
        {
            int address = _memory.ReadInt32(ptr + 8L * i);
            if (address == 0) break;
            plan.Add((address, _memory.ReadInt32(ptr + 8L * i + 4)));
        }
        return plan;
    }

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

    public long MemoryLength => _memory.GetLength();

    /// <summary>The whole linear memory, read in place (valid until the memory grows or the instance is dropped).</summary>
    public ReadOnlySpan<byte> MemorySpan => _memory.GetSpan(0, checked((int)_memory.GetLength()));

    /// <summary>The pages that differ from <paramref name="baseline"/>, the memory of <paramref name="baseImage"/> (null: of a fresh instance).</summary>
    public PageImage Capture(ReadOnlySpan<byte> baseline, PageImage? baseImage = null)
    {
        var memory = _memory.GetSpan(0, checked((int)_memory.GetLength()));
        var image = PageImage.Diff(memory, baseline, (int)_stackPointer.GetValue()!, baseImage, TouchedPages.Of(memory));
        return Files.OpenFiles.Count == 0 ? image : image with { OpenFiles = [.. Files.OpenFiles] };
    }

    /// <summary>
    /// Puts this interpreter back into the state <paramref name="image"/> describes, in place, after a trap:
    /// each page that may have changed since (present or swapped, per <see cref="TouchedPages"/>) is compared
    /// with its content in the image, or in <paramref name="started"/> (a started interpreter's memory, the
    /// image's base) for pages the image does not hold, and written back where it differs; then the stack
    /// pointer. Much cheaper than a new instance, whose every page must be faulted in again. The WASI state
    /// (open descriptors) is kept, which a new instance could not do. Returns false, changing nothing, when
    /// it cannot be done exactly: the memory grew (the allocator would not know the new end), or the kernel
    /// does not say which pages were touched.
    /// </summary>
    public bool TryRestoreInPlace(PageImage image, ReadOnlySpan<byte> started)
    {
        long length = _memory.GetLength();
        if (length != image.MemoryLength || length < started.Length) return false;
        var memory = _memory.GetSpan(0, checked((int)length));
        if (TouchedPages.Of(memory) is not { } touched) return false;
        var contents = image.PageContents();
        for (int p = 0; p < touched.Length; p++)
        {
            bool held = contents.TryGetValue(p, out var own);
            if (!touched[p] && !held) continue; // untouched: still the fresh content, as in the started memory
            int start = p * PageImage.PageSize;
            int size = Math.Min(PageImage.PageSize, memory.Length - start);
            var target = held ? own.Span[..size]
                : start + size <= started.Length ? started.Slice(start, size)
                : default;
            var page = memory.Slice(start, size);
            if (target.IsEmpty)
            {
                if (page.ContainsAnyExcept((byte)0)) page.Clear();
            }
            else if (!page.SequenceEqual(target))
            {
                target.CopyTo(page);
            }
        }
        _stackPointer.SetValue(image.StackPointer);
        // Files the trapped call (or calls since the checkpoint) opened: the restored interpreter has no object
        // for them, so they would stay open, unreachable, until the session ends.
        foreach (int fd in Files.OpenFiles.Except(image.OpenFiles).ToList())
            Files.Close(fd);
        Spoiled = false;
        return true;
    }

    /// <summary>Writes an image over this (fresh) instance: grows memory to its length, then writes its pages.</summary>
    public void Apply(PageImage image)
    {
        long length = _memory.GetLength();
        if (image.MemoryLength > length)
            _memory.Grow((image.MemoryLength - length + Memory.PageSize - 1) / Memory.PageSize);
        image.ApplyTo(_memory.GetSpan(0, checked((int)_memory.GetLength())), populate: _untouchedMemory);
        _untouchedMemory = false;
        _stackPointer.SetValue(image.StackPointer);
    }

    // A memory of its own (not a pool slot) that nothing has written yet: none of its pages are present, so
    // the first image is faulted in by runs (PagePopulator). A pool slot keeps its pages resident between
    // instances, and there populating first made fresh calls slower (Python 1.8 -> 2.1 ms).
    private bool _untouchedMemory;

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
        _call = new CallState(DateTime.UtcNow + limits.Timeout, cancellationToken, limits.Fuel) { Limits = limits };
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
            int inputPtr = WriteBuffer(inputBytes);
            if (codePtr == 0 || inputPtr == 0)
            {
                stopped = ExecutionOutcome.MemoryExhausted;
                trapMessage = "The program's source and input did not fit in the guest memory limit.";
            }
            else
            {
                exitCode = _exec(codePtr, codeBytes.Length, inputPtr, inputBytes.Length, flags);
                report = ReadReport(_report());
                _free(codePtr);
                _free(inputPtr);
            }
        }
        catch (WasmtimeException ex) when (ex.ExitCode is { } exited && ex.InnerException is not GuestStop)
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
        var softReason = _call?.SoftStopReason;
        _call = null;
        if (stopped is null && softReason is { } reason && IsInterruptReport(report))
        {
            // The interpreter stopped itself at our request: a limit outcome with the user's line, state intact.
            stopped = reason;
            trapMessage = SoftStopMessage(reason, limits);
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

    /// <summary>Fuel kept back for a soft-stopped interpreter to unwind and report (a fuel soft stop starts this much early).</summary>
    internal const double SoftStopReserve = 20_000_000;

    /// <summary>How long a soft stop may take before the hard stop.</summary>
    private static readonly TimeSpan SoftStopGrace = TimeSpan.FromMilliseconds(300);

    private static bool IsInterruptReport(string? report) =>
        report is not null && (report.Contains("\"type\": \"Interrupted\"", StringComparison.Ordinal)
                            || report.Contains("\"type\":\"Interrupted\"", StringComparison.Ordinal));

    private static string SoftStopMessage(ExecutionOutcome reason, EffectiveLimits limits) => reason switch
    {
        ExecutionOutcome.FuelExhausted => $"The program used its whole fuel budget of {limits.Fuel:N0} instructions and was stopped.",
        ExecutionOutcome.TimedOut => $"The program ran past its time limit of {limits.Timeout.TotalSeconds:0.###} s and was stopped.",
        ExecutionOutcome.OutputLimitExceeded => "The program wrote more output than allowed and was stopped.",
        _ => "The program was stopped.",
    };

    private (ExecutionOutcome, string) Classify(Exception ex, EffectiveLimits limits)
    {
        if (ex.InnerException is GuestStop stop)
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

    private ulong OnEpochDeadline(Store store)
    {
        var call = _call;
        if (call is null) return 1;
        if (call.Cancellation.IsCancellationRequested)
            throw new GuestStop(ExecutionOutcome.Cancelled, "The execution was cancelled by the caller.");
        var now = DateTime.UtcNow;
        if (call.SoftStopReason is { } reason)
        {
            if (now >= call.SoftStopDeadline) throw new GuestStop(reason, SoftStopMessage(reason, call.Limits!));
            NudgeSoftStop();
            return 1;
        }
        ulong left = store.Fuel;
        // The average burn rate of this call (steadier than one tick's, whose length jitters) predicts
        // whether the budget ends before the next tick (with half a tick of slack); if so, stop now while
        // a soft stop can still work. A program that would just have finished in that last stretch is
        // stopped too: that is at most about 1.5 ticks of work (tens of millions of instructions).
        double elapsed = Math.Max(Stopwatch.GetElapsedTime(call.StartTimestamp).TotalSeconds, 1e-3);
        double rate = (call.Budget - (double)left) / elapsed;
        double horizon = 1.5 * Runtime.Host.Options.EpochInterval.TotalSeconds;
        // The reserve is at most a tenth of the budget, so a small budget is not stopped at its first tick;
        // a guest that burns nothing (sleeping) is never predicted to run out.
        double reserve = Math.Min(SoftStopReserve, call.Budget / 10);
        bool fuelRunningOut = Runtime.InterruptPlan.Count > 0 && rate > 0 && left < rate * horizon + reserve;
        // Output over its cap is a limit already hit; fuel running out is only predicted, so the output comes first.
        ExecutionOutcome? limit =
            now >= call.Deadline ? ExecutionOutcome.TimedOut
            : _stdout.Overflowed || _stderr.Overflowed ? ExecutionOutcome.OutputLimitExceeded
            : fuelRunningOut ? ExecutionOutcome.FuelExhausted
            : null;
        if (limit is { } hit)
        {
            if (Runtime.InterruptPlan.Count == 0) throw new GuestStop(hit, SoftStopMessage(hit, call.Limits!));
            // The fuel is never changed here (Wasmtime does not honour a new value set from inside the
            // epoch callback): what is left of the budget, at least the reserve, pays for the unwinding.
            RequestSoftStop(call, hit, now);
        }
        return 1;
    }

    /// <summary>
    /// While the request is still pending (the plan's second write is still in place, e.g. the exception
    /// not yet taken), writes the other entries again: the interpreter may have recomputed its break flag
    /// from values it read just before our first write. Once taken, nothing is written again, so the
    /// interpreter's own error reporting is never interrupted a second time.
    /// </summary>
    private void NudgeSoftStop()
    {
        var plan = Runtime.InterruptPlan;
        if (plan.Count == 0) return;
        var marker = plan.Count > 1 ? plan[1] : plan[0];
        if (_memory.ReadInt32(marker.Address) != marker.Value) return;
        for (int i = 0; i < plan.Count; i++)
            if (i != 1 || plan.Count == 1) _memory.WriteInt32(plan[i].Address, plan[i].Value);
    }

    private void RequestSoftStop(CallState call, ExecutionOutcome reason, DateTime now)
    {
        call.SoftStopReason = reason;
        call.SoftStopDeadline = now + SoftStopGrace;
        foreach (var (address, value) in Runtime.InterruptPlan) _memory.WriteInt32(address, value);
    }

    private const string Wasi = "wasi_snapshot_preview1";

    bool ISleepControl.ShouldWake()
    {
        var call = _call;
        return call is null || call.Cancellation.IsCancellationRequested || DateTime.UtcNow >= call.Deadline;
    }

    public void Dispose()
    {
        Files.ReleaseAll();
        _store.Dispose(); // closes every descriptor the guest still held
    }

    private sealed class CallState(DateTime deadline, CancellationToken cancellation, long budget)
    {
        public DateTime Deadline { get; } = deadline;
        public CancellationToken Cancellation { get; } = cancellation;
        public double Budget { get; } = budget;
        public long StartTimestamp { get; } = Stopwatch.GetTimestamp();
        public EffectiveLimits? Limits { get; init; }
        public ExecutionOutcome? SoftStopReason { get; set; }
        public DateTime SoftStopDeadline { get; set; }
    }

    private sealed class GuestStop(ExecutionOutcome outcome, string message) : Exception(message)
    {
        public ExecutionOutcome Outcome { get; } = outcome;
    }
}
