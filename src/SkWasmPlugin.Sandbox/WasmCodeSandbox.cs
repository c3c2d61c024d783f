using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SkWasmPlugin.Sandbox.Guidance;
using SkWasmPlugin.Sandbox.Hosting;
using SkWasmPlugin.Sandbox.Sessions;

namespace SkWasmPlugin.Sandbox;

/// <summary>
/// The Wasmtime-backed <see cref="ICodeSandbox"/>: one engine per instance of this class (register it as a
/// singleton), runtimes started once, sessions kept in <see cref="IWorkspaceStorage"/>.
/// A little over 300 lines: the public surface of the sandbox (a call, its streamed form, validation, description) is
/// read in one place; the work behind each is in its own type.
/// </summary>
public sealed class WasmCodeSandbox : ICodeSandbox, IAsyncDisposable, IDisposable
{
    private readonly SandboxOptions _options;
    private readonly RuntimeCatalog _catalog;
    private readonly SessionManager _sessions;
    private readonly StatelessInterpreters _stateless;
    private readonly PackageCatalog _packages;
    private readonly GuidanceBuilder _guidance;
    private readonly ILogger _logger;

    /// <summary>Places for guest calls (<see cref="SandboxOptions.MaxConcurrentExecutions"/>).</summary>
    private readonly SemaphoreSlim _running;
    private int _disposed;

    /// <summary>Creates a sandbox. Invalid options or missing runtime files throw here, with the fix in the message.</summary>
    public WasmCodeSandbox(SandboxOptions? options = null, IWorkspaceStorage? storage = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options ?? new SandboxOptions();
        JitStartupProfile.Start(_options, createFolder: false); // first, so that what follows is in it; the folder once valid
        _options.EnsureValid();
        JitStartupProfile.Start(_options, createFolder: true);
        _running = new SemaphoreSlim(_options.MaxConcurrentExecutions, _options.MaxConcurrentExecutions);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SkWasmPlugin.Sandbox");
        _catalog = new RuntimeCatalog(_options, _logger);
        _stateless = new StatelessInterpreters(_catalog, _options);
        _packages = new PackageCatalog(_catalog.DataPath);
        storage ??= new LocalWorkspaceStorage(_options.Sessions.StoragePath ?? LocalWorkspaceStorage.DefaultRoot(_options.Sessions.ApplicationName));
        _sessions = new SessionManager(_catalog, storage, _options.Sessions, _packages, _logger, _options.MaxLiveInstances);
        _sessions.ResolveLimits = _options.Resolve;
        _guidance = new GuidanceBuilder(_options, _packages);
    }

    /// <summary>The options in force.</summary>
    public SandboxOptions Options => _options;

    /// <inheritdoc />
    public ISessionManager Sessions => _sessions;

    internal SessionManager SessionManager => _sessions;

    internal RuntimeCatalog Catalog => _catalog;

    internal StatelessInterpreters Stateless => _stateless;

    /// <summary>
    /// Starts the runtimes now instead of on first use. A runtime's first use in a process loads its compiled module
    /// from the cache (tens of milliseconds) or, the first time on a machine or after an update, compiles it (seconds,
    /// Python the longest; concurrent processes compile once, the others wait and load it), then takes or
    /// loads the interpreter's start-up image. A call that pays this reports it as <see cref="ExecutionResult.Startup"/>,
    /// not in its <see cref="ExecutionResult.Duration"/>. Blocks until done; call it at application start (or on a
    /// background thread) so that no user's first call waits.
    /// </summary>
    public void Warmup(params Language[] languages)
    {
        foreach (var language in languages.Length == 0 ? Languages.All : languages) _catalog.Get(language);
    }

    /// <inheritdoc />
    public Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Validate(request);
        return RunAsync(request, null, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Output arrives while the program runs, through a bounded channel; the guest never waits for a slow consumer
    /// (what the channel cannot take is joined and kept in order until it can), and what streams is what the caps let
    /// through, so memory stays bounded by the output limits. Invalid requests throw here, before anything runs. When
    /// the host adds a note to stderr (why a limit stopped the program), it comes as the last stderr chunk.
    /// </remarks>
    public IAsyncEnumerable<ExecutionEvent> ExecuteStreamingAsync(ExecutionRequest request, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Validate(request);
        return StreamAsync(request, cancellationToken);
    }

    private async IAsyncEnumerable<ExecutionEvent> StreamAsync(ExecutionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var output = new OutputForwarder();
        var run = RunAsync(request, output, stop.Token);
        try
        {
            await foreach (var chunk in output.ReadAllAsync(stop.Token).ConfigureAwait(false)) yield return chunk;
            var result = await run.ConfigureAwait(false);
            if (result.Stderr.Length > output.StderrChars)
                yield return new OutputChunk(OutputStream.Stderr, result.Stderr[output.StderrChars..]);
            yield return new ExecutionCompleted(result);
        }
        finally
        {
            // The consumer stopped early (break, dispose, cancellation): the run ends too, before the enumerator does,
            // so no guest is left running for nobody.
            await stop.CancelAsync().ConfigureAwait(false);
            await ((Task)run).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // One async method on the call's path, not three: a JIT-compiled host compiles each async method's builder and
    // state machine box on its first call (bench/RESULTS.md, the first call in a JIT host).
    private async Task<ExecutionResult> RunAsync(ExecutionRequest request, OutputForwarder? output, CancellationToken cancellationToken)
    {
        try
        {
            var startup = TimeSpan.Zero;
            if (!_catalog.IsStarted(request.Language))
            {
                long started = Stopwatch.GetTimestamp();
                await StartRuntime(request.Language, cancellationToken).ConfigureAwait(false);
                startup = Stopwatch.GetElapsedTime(started);
            }
            var clock = Stopwatch.StartNew();
            using var activity = SandboxTelemetry.Source.StartActivity("skwasm.execute");
            activity?.SetTag("skwasm.language", request.Language.Name());
            int flags = request.JavaScriptModule && request.Language == Language.JavaScript ? 1 : 0;

            RawExecution raw;
            IReadOnlyList<string> notes = [];
            EffectiveLimits limits;
            var resolvedLimits = request.SessionId is null ? _options.Resolve(request.Limits) : null; // caller errors before waiting
            await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (request.SessionId is null)
                {
                    limits = resolvedLimits!;
                    raw = await _stateless.RunAsync(request, flags, limits, output, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    EffectiveLimits? resolved = null;
                    (raw, notes, _) = await Task.Run(() => _sessions.ExecuteAsync(request.SessionId, request.Language, request.Code, request.Stdin, flags,
                        record => resolved = _options.Resolve(Merge(record.Limits, request.Limits)), cancellationToken, output), CancellationToken.None).ConfigureAwait(false);
                    limits = resolved!;
                }
            }
            finally
            {
                _running.Release();
            }

            var result = _guidance.Build(request, raw, limits, clock.Elapsed, notes) with { Startup = startup };
            SandboxTelemetry.Record(result);
            activity?.SetTag("skwasm.outcome", result.Outcome.ToString());
            activity?.SetTag("skwasm.fuel", result.FuelConsumed);
            Log.Executed(_logger, request.Language.Name(), request.SessionId ?? "-", result.Outcome, result.DurationMs, result.FuelConsumed);
            return result;
        }
        finally
        {
            output?.Complete();
        }
    }

    /// <summary>
    /// Starts the language's runtime on its first use (or waits for the call that is starting it): loading or compiling
    /// the module and taking the start-up image. The caller reports the time as <see cref="ExecutionResult.Startup"/>,
    /// apart from the call's own duration.
    /// </summary>
    private Task StartRuntime(Language language, CancellationToken cancellationToken) =>
        // On the pool: a cold compile takes seconds and must not block the caller's thread. It cannot be cancelled
        // halfway (the next call would pay it again), so a cancelled caller stops waiting but the start-up goes on.
        Task.Run(() => _catalog.Get(language), CancellationToken.None).WaitAsync(cancellationToken);

    private static ExecutionLimits? Merge(ExecutionLimits? session, ExecutionLimits? call)
    {
        if (session is null) return call;
        if (call is null) return session;
        return new ExecutionLimits
        {
            Fuel = call.Fuel ?? session.Fuel,
            MemoryBytes = call.MemoryBytes ?? session.MemoryBytes,
            Timeout = call.Timeout ?? session.Timeout,
            MaxStdoutBytes = call.MaxStdoutBytes ?? session.MaxStdoutBytes,
            MaxStderrBytes = call.MaxStderrBytes ?? session.MaxStderrBytes,
        };
    }

    private void Validate(ExecutionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Languages.IsKnown(request.Language)) // not Enum.IsDefined: its reflection costs milliseconds on a first call
            throw new ArgumentException($"Unknown language value {(int)request.Language}. Use Python or JavaScript.", nameof(request));
        if (request.Code is null) throw new ArgumentException("Code is required.", nameof(request));
        if (string.IsNullOrWhiteSpace(request.Code)) throw new ArgumentException("Code is empty: send the program to run.", nameof(request));
        if (request.Code.Contains('\0')) throw new ArgumentException("Code contains a NUL character; send source text.", nameof(request));
        if (!WorkspacePaths.IsValidUnicode(request.Code))
            throw new ArgumentException("Code contains an unpaired UTF-16 surrogate, which is not valid Unicode text; send valid text.", nameof(request));
        if (request.Stdin is { } input && !WorkspacePaths.IsValidUnicode(input))
            throw new ArgumentException("Stdin contains an unpaired UTF-16 surrogate, which is not valid Unicode text; send valid text.", nameof(request));
        int codeBytes = Encoding.UTF8.GetByteCount(request.Code);
        if (codeBytes > _options.MaxCodeBytes)
            throw new ArgumentException($"Code is {codeBytes:N0} bytes; the limit is {_options.MaxCodeBytes:N0}. Send a shorter program or write data to a file in the session workspace.", nameof(request));
        if (request.Stdin is { } stdin && Encoding.UTF8.GetByteCount(stdin) > _options.MaxStdinBytes)
            throw new ArgumentException($"Stdin is over the limit of {_options.MaxStdinBytes:N0} bytes.", nameof(request));
        if (request.SessionId is not null) WorkspacePaths.ValidateSessionId(request.SessionId);
        _options.Resolve(request.Limits); // throws for limits out of range
    }

    /// <summary>Counters for diagnostics, tests and benchmarks.</summary>
    public SandboxStatistics GetStatistics() => new(
        _catalog.Host.Cache.Hits + _catalog.Host.BaselineCache.Hits,
        _catalog.Host.Cache.Misses + _catalog.Host.BaselineCache.Misses,
        _sessions.LiveInterpreterCount,
        _catalog.StartedRuntimes.ToDictionary(r => r.Language.Name(), r => new RuntimeStartup(r.StartupTime.TotalMilliseconds, r.StartupFuel, r.StartedImage.Pages.Length)
        {
            Compiler = r.Compiler == CompilerTier.Baseline ? "winch" : "cranelift",
        }));

    /// <summary>
    /// Completes when every runtime started so far runs optimized code: at once when their compiled code was in the
    /// module cache. A runtime that started cold runs on Wasmtime's baseline compiler's code until its optimized code,
    /// compiled in the background, is in (<see cref="SandboxOptions.BaselineCompilerWhileCold"/>); should that compile fail
    /// (a warning is logged), it completes too and the runtime stays on the baseline code. For a host that wants
    /// steady performance before it takes traffic, and for benchmarks; calls never need it.
    /// </summary>
    public Task WhenOptimizedAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(_catalog.StartedRuntimes.Select(r => r.Optimized)).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public SandboxDescription Describe() => new(
        [
            Runtime(Language.Python, ["Standard library without ssl, ctypes, sockets, subprocess or threads.", $"Pure-Python packages, importable in every run without installing: {string.Join(", ", _packages.Names)}.", "No numpy, pandas, matplotlib or compiled extensions: csv + statistics for tables, pygal or svgwrite for charts (SVG)."]),
            Runtime(Language.JavaScript, ["ES2023; no Node.js modules except a small 'fs' over /app; console.log, readline(), readStdin()."]),
        ],
        Describe(_options.Resolve(null)),
        Describe(new EffectiveLimits(_options.MaxFuel, _options.MaxMemoryBytes, _options.MaxTimeout, _options.MaxOutputBytes, _options.MaxOutputBytes)),
        _packages.Names);

    private RuntimeDescription Runtime(Language language, IReadOnlyList<string> notes)
    {
        var (engine, version) = _catalog.Interpreter(language);
        return new RuntimeDescription(language.Name(), engine, version, notes);
    }

    private static LimitsDescription Describe(EffectiveLimits l) =>
        new(l.Fuel, l.MemoryBytes / (1024 * 1024), l.Timeout.TotalSeconds, l.MaxStdoutBytes, l.MaxStderrBytes);

    /// <summary>Flushes session checkpoints and releases the engine.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stateless.DisposeAsync().ConfigureAwait(false);
        await _sessions.DisposeAsync().ConfigureAwait(false);
        _catalog.Dispose();
    }

    /// <summary>Flushes session checkpoints and releases the engine, returning when done; prefer <see cref="DisposeAsync"/>.</summary>
    /// <remarks>
    /// The flush writes through <see cref="IWorkspaceStorage"/>, whose operations are asynchronous (a blob store, the
    /// store's session locks), so it cannot be done synchronously, and skipping it would lose the sessions' last state.
    /// When nothing is left to write, <see cref="DisposeAsync"/> completes at once and nothing waits; otherwise the
    /// calling thread waits for it. It never runs on the caller's synchronization context or task scheduler, so none
    /// of its continuations needs the waiting thread (a UI or single-threaded context cannot deadlock). In an async
    /// method, <c>await using</c> spares a thread-pool thread that wait.
    /// </remarks>
    public void Dispose()
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        var disposing = SynchronizationContext.Current is null && TaskScheduler.Current == TaskScheduler.Default
            ? DisposeAsync().AsTask()
            : Task.Run(() => DisposeAsync().AsTask());
        disposing.GetAwaiter().GetResult();
    }
}
