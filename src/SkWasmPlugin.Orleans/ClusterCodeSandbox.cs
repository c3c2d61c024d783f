using System.Runtime.CompilerServices;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

/// <summary>
/// An <see cref="ICodeSandbox"/> over an Orleans cluster: a session's calls go to its grain (one live interpreter in
/// the cluster), stateless calls to a stateless worker on the gateway silo. Everything built on
/// <see cref="ICodeSandbox"/> (the AI tools, the Semantic Kernel plugin, the MCP server) runs against the cluster
/// unchanged. Input is checked here, before anything is sent; errors are those of <see cref="WasmCodeSandbox"/>
/// (a <see cref="SessionNotFoundException"/> for an unknown session, an <see cref="ArgumentException"/> for bad input).
/// </summary>
public sealed class ClusterCodeSandbox : ICodeSandbox
{
    /// <summary>
    /// How long a client waits for a guest call: the sandbox's default <see cref="SandboxOptions.MaxTimeout"/> (10 minutes)
    /// plus a minute. A silo that fails fails its calls sooner, when the cluster declares it dead.
    /// </summary>
    internal const string CallTimeout = "00:11:00";

    private readonly IGrainFactory _grains;
    private readonly ClusterSessionManager _sessions;
    private Task<SandboxDescription>? _description;

    public ClusterCodeSandbox(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        _grains = grains;
        _sessions = new ClusterSessionManager(grains);
    }

    /// <inheritdoc />
    public ISessionManager Sessions => _sessions;

    private IStatelessSandboxGrain Stateless => _grains.GetGrain<IStatelessSandboxGrain>(0);

    /// <inheritdoc />
    public Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, CancellationToken cancellationToken = default)
    {
        return Target(request).ExecuteAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ExecutionEvent> ExecuteStreamingAsync(ExecutionRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var events = Target(request).ExecuteStreamingAsync(request, cancellationToken);
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
            yield return e.ToEvent();
    }

    /// <summary>
    /// The description of the silos' sandbox (asked of one silo once, then kept). The first call waits for that answer;
    /// <see cref="Warmup"/> or <see cref="DescribeAsync"/> fetch it ahead.
    /// </summary>
    public SandboxDescription Describe() => DescribeAsync().GetAwaiter().GetResult();

    /// <summary>The description of the silos' sandbox, without blocking.</summary>
    public Task<SandboxDescription> DescribeAsync()
    {
        var known = _description;
        if (known is { IsCompletedSuccessfully: true }) return known;
        // Run off any caller's scheduler so a synchronous Describe() cannot deadlock on it; a failed fetch is retried.
        var fetch = Task.Run(() => Stateless.DescribeAsync());
        Interlocked.CompareExchange(ref _description, fetch, known);
        return _description!;
    }

    /// <inheritdoc />
    public void Warmup(params Language[] languages)
    {
        // Best effort: a failure shows again, with its reason, on the first real call.
        _ = DescribeAsync().ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        _ = Stateless.WarmupAsync(languages).ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    /// <summary>The grain that runs <paramref name="request"/> (its session's, else the local stateless one), after checking it.</summary>
    private ISandboxExecutionGrain Target(ExecutionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Languages.IsKnown(request.Language)) throw new ArgumentOutOfRangeException(nameof(request), "Unknown language.");
        ArgumentNullException.ThrowIfNull(request.Code, nameof(request));
        return request.SessionId is { } id ? _sessions.Grain(id) : Stateless;
    }
}
