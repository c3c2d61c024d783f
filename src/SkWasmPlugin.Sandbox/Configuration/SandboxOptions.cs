using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace SkWasmPlugin.Sandbox;

/// <summary>
/// Host configuration of the sandbox: default limits, the maximums a per-call override may ask for,
/// and where runtimes, caches and session workspaces live. Validated at start.
/// </summary>
public sealed class SandboxOptions : IValidatableObject
{
    /// <summary>The least guest memory a call may have, configured or asked for.</summary>
    private const long MinMemoryBytes = 16L * 1024 * 1024;

    /// <summary>The most guest memory a call may have (see <see cref="MaxMemoryBytes"/>).</summary>
    private const long MemoryCeilingBytes = 2047L * 1024 * 1024;

    /// <summary>Default instruction budget per call (Wasmtime fuel).</summary>
    [Range(1, long.MaxValue)]
    public long DefaultFuel { get; set; } = 5_000_000_000;

    /// <summary>Largest fuel budget a call may request.</summary>
    [Range(1, long.MaxValue)]
    public long MaxFuel { get; set; } = 50_000_000_000;

    /// <summary>Default guest memory limit in bytes.</summary>
    [Range(MinMemoryBytes, MemoryCeilingBytes)] // the same floor as a call's own memory limit (Resolve)
    public long DefaultMemoryBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Largest guest memory a call may request, in bytes (snapshots address it with 32-bit spans, so at most 2047 MB).</summary>
    [Range(32L * 1024 * 1024, MemoryCeilingBytes)]
    public long MaxMemoryBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Default wall-clock limit per call.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest wall-clock limit a call may request.</summary>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Default cap on captured stdout, in bytes.</summary>
    [Range(1, int.MaxValue)]
    public int DefaultMaxStdoutBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Default cap on captured stderr, in bytes.</summary>
    [Range(1, int.MaxValue)]
    public int DefaultMaxStderrBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest output cap a call may request, for each stream.</summary>
    [Range(1, int.MaxValue)]
    public int MaxOutputBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Most guest calls running at once in this sandbox; more wait (asynchronously, cancellable) for a place. Each
    /// running call holds a thread-pool thread for as long as it runs (up to <see cref="MaxTimeout"/>), so this bounds
    /// what guests can take from the pool.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxConcurrentExecutions { get; set; } = 64;

    /// <summary>Largest accepted source text, in UTF-8 bytes.</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxCodeBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest accepted stdin, in UTF-8 bytes.</summary>
    [Range(0, 256 * 1024 * 1024)]
    public int MaxStdinBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Maximum WebAssembly stack of the host (Wasmtime); at most 2 MiB, above which deep recursion crashed the host process instead of trapping.</summary>
    [Range(256 * 1024, 2 * 1024 * 1024)]
    public int WasmStackBytes { get; set; } = 1024 * 1024;

    /// <summary>How often the epoch ticker fires; deadlines and cancellation are checked at this granularity.</summary>
    /// <remarks>
    /// One tick is tens of millions of guest instructions, and a fuel soft stop (which reports the running line)
    /// starts more than a tick before the budget would end: a short interval keeps that margin small, at the cost of
    /// one wake-up of the ticker thread per interval.
    /// </remarks>
    public TimeSpan EpochInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Uses Wasmtime's pooling allocator for stateless calls: linear memories come from pre-reserved slots whose
    /// first pages stay resident, which makes a fresh interpreter several times cheaper to start. Off: plain mmap
    /// per instance. Session interpreters use plain mappings either way, unless <see cref="SessionsUsePool"/>.
    /// </summary>
    public bool UsePoolingAllocator { get; set; } = true;

    /// <summary>
    /// Whether session interpreters also take pool slots. Off (the default): a session's interpreter has its
    /// own memory mapping, released to the system when the session is destroyed or evicted; a pool slot would
    /// keep <see cref="PoolKeepResidentBytes"/> resident after it. On: creating a session is a little faster.
    /// </summary>
    public bool SessionsUsePool { get; set; }

    /// <summary>
    /// Bytes of each pool slot's memory kept resident after its instance is gone, so the next instance skips
    /// the page faults (the default makes a fresh Python interpreter's instantiation several times cheaper than 4 MB or 0
    /// do, bench/RESULTS.md). The cost is a high-water mark: up to this much per slot ever used stays resident.
    /// </summary>
    [Range(0, 256L * 1024 * 1024)]
    public long PoolKeepResidentBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Started interpreters kept per runtime for the next stateless calls: a call that left nothing but memory behind
    /// (no trap, no file changed or left open, memory not grown) has its interpreter put back into the started state
    /// after its result, off the call's path, and the next call runs on it instead of a new instance restored from the
    /// start-up image. Each holds a pool slot and its memory (a few MB). 0: every stateless call gets a new instance.
    /// </summary>
    [Range(0, 64)]
    public int ReadyStatelessInterpreters { get; set; } = 2;

    /// <summary>Most guest instances alive at once (sessions' interpreters, running stateless calls and the ones kept for the next, <see cref="ReadyStatelessInterpreters"/>); also the pool's size.</summary>
    [Range(4, 100_000)]
    public int MaxLiveInstances { get; set; } = 512;

    /// <summary>Folder with the guest runtimes (python/, quickjs/). Null: found next to the assembly or in the source tree.</summary>
    public string? RuntimesPath { get; set; }

    /// <summary>
    /// What a runtime runs on while its optimized code is not in the module cache (a process's first use on a machine,
    /// a new container, a disabled cache). On (the default): the runtime starts on code from Wasmtime's baseline
    /// compiler (Winch: Python in about a second instead of four to five), and the optimized code is compiled on one
    /// thread in the background and cached; new interpreters take it as soon as it is ready, so only the first seconds
    /// of a cold process run on the slower code. Off: the first call waits for the optimized compile.
    /// </summary>
    public bool BaselineCompilerWhileCold { get; set; } = true;

    /// <summary>Tests: the background optimized compile waits for this before it starts.</summary>
    internal Task? OptimizedCompileGate { get; set; }

    /// <summary>Folder for compiled modules (.cwasm) and start-up images. Null: <c>ROOT/modules</c> (see <see cref="SandboxPaths"/>).</summary>
    public string? ModuleCachePath { get; set; }

    /// <summary>
    /// Size bound of the module cache folder (the default holds many builds of both runtimes). Once a day, in the
    /// background, entries unused for 7 days that no current key names are removed, then the least recently used
    /// others while the folder is over this; the entries in use are kept even above it.
    /// </summary>
    [Range(1024 * 1024, long.MaxValue)]
    public long ModuleCacheMaxBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Disables the on-disk module cache (modules are still compiled once per process).</summary>
    public bool DisableModuleCache { get; set; }

    /// <summary>
    /// On (the default): the first sandbox of a process starts .NET's multicore JIT
    /// (<see cref="System.Runtime.ProfileOptimization"/>) with a profile in the module cache folder, one per application,
    /// so that from the second start on the methods a first call needs are compiled on a background thread ahead of use
    /// (in a JIT-compiled host about a third of the first call's time on two cores; nothing on one core or under
    /// NativeAOT). Profile optimization is one per process: turn this off if the application uses it itself.
    /// </summary>
    public bool JitStartupProfile { get; set; } = true;

    /// <summary>Folder under which temporary workspaces of stateless calls are created. Null: <c>ROOT/scratch</c> (see <see cref="SandboxPaths"/>).</summary>
    public string? ScratchPath { get; set; }

    /// <summary>Session settings.</summary>
    [ValidateObjectMembers]
    public SessionManagerOptions Sessions { get; set; } = new();

    /// <summary>Checks the relations between values that attributes cannot express.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultFuel > MaxFuel)
            yield return new ValidationResult($"DefaultFuel ({DefaultFuel}) exceeds MaxFuel ({MaxFuel}).", [nameof(DefaultFuel)]);
        if (DefaultMemoryBytes > MaxMemoryBytes)
            yield return new ValidationResult("DefaultMemoryBytes exceeds MaxMemoryBytes.", [nameof(DefaultMemoryBytes)]);
        if (DefaultTimeout <= TimeSpan.Zero || DefaultTimeout > MaxTimeout)
            yield return new ValidationResult("DefaultTimeout must be positive and at most MaxTimeout.", [nameof(DefaultTimeout)]);
        if (EpochInterval < TimeSpan.FromMilliseconds(1) || EpochInterval > TimeSpan.FromSeconds(1))
            yield return new ValidationResult("EpochInterval must be between 1 ms and 1 s.", [nameof(EpochInterval)]);
        if (DefaultMaxStdoutBytes > MaxOutputBytes || DefaultMaxStderrBytes > MaxOutputBytes)
            yield return new ValidationResult("Default output caps exceed MaxOutputBytes.", [nameof(MaxOutputBytes)]);
        if (Sessions.IdleTimeout <= TimeSpan.Zero || Sessions.CheckpointDelay < TimeSpan.Zero || Sessions.PruneInterval <= TimeSpan.Zero || Sessions.SessionLockTimeout < TimeSpan.Zero)
            yield return new ValidationResult("Session timings must be positive (CheckpointDelay and SessionLockTimeout may be 0).", [nameof(Sessions)]);
        if (Sessions.ApplicationName is { } app && !SandboxPaths.IsValidApplicationName(app))
            yield return new ValidationResult($"Sessions.ApplicationName '{app}' is invalid: use 1-64 letters, digits, '.', '-' or '_', starting with a letter or digit.", [nameof(Sessions)]);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every invalid value.</summary>
    public void EnsureValid()
    {
        // The validator is generated at build time from the attributes: no reflection at start-up.
        var result = new SandboxOptionsValidator().Validate(null, this);
        if (result.Failed)
            throw new ArgumentException("Invalid sandbox options: " + string.Join(" ", result.Failures ?? []));
    }

    /// <summary>Applies defaults and checks a call's limits against the maximums.</summary>
    public EffectiveLimits Resolve(ExecutionLimits? limits)
    {
        long fuel = limits?.Fuel ?? DefaultFuel;
        long memory = limits?.MemoryBytes ?? DefaultMemoryBytes;
        var timeout = limits?.Timeout ?? DefaultTimeout;
        int stdout = limits?.MaxStdoutBytes ?? DefaultMaxStdoutBytes;
        int stderr = limits?.MaxStderrBytes ?? DefaultMaxStderrBytes;
        // The messages are built only for a value out of range: this runs on every call.
        if (fuel <= 0 || fuel > MaxFuel) Fail($"fuel must be between 1 and {MaxFuel:N0} (asked {fuel:N0}).");
        if (memory < MinMemoryBytes || memory > MaxMemoryBytes)
            Fail($"memory must be between {MinMemoryBytes / (1024 * 1024)} MB and {MaxMemoryBytes / (1024 * 1024)} MB (asked {memory / (1024.0 * 1024):0.#} MB).");
        if (timeout <= TimeSpan.Zero || timeout > MaxTimeout)
            Fail($"timeout must be between 1 ms and {MaxTimeout.TotalSeconds:0} s (asked {timeout.TotalMilliseconds:0} ms).");
        if (stdout <= 0 || stdout > MaxOutputBytes) Fail($"stdout limit must be between 1 and {MaxOutputBytes} bytes.");
        if (stderr <= 0 || stderr > MaxOutputBytes) Fail($"stderr limit must be between 1 and {MaxOutputBytes} bytes.");
        return new EffectiveLimits(fuel, memory, timeout, stdout, stderr);

        static void Fail(string message) => throw new ArgumentOutOfRangeException(nameof(limits), "Invalid limits: " + message);
    }
}

/// <summary>Checks <see cref="SandboxOptions"/> (attributes, nested session settings and the cross-field rules).</summary>
[OptionsValidator]
internal sealed partial class SandboxOptionsValidator : IValidateOptions<SandboxOptions>;
