using System.Text.Json;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>
/// Host code run in a session's interpreter: the variable listing and the package check. Under the session's memory
/// limit and at most <see cref="ProbeFuel"/> / <see cref="ProbeTimeout"/>; a probe stopped by a limit or a trap (the
/// user's code may have left a trace hook that spins) restores the last checkpoint as a call would.
/// </summary>
internal sealed class SessionProbes(InterpreterPool pool, PackageCatalog packages)
{
    /// <summary>Most fuel a probe may spend, within the session's own budget.</summary>
    internal const long ProbeFuel = 500_000_000;

    /// <summary>Longest a probe may run, within the session's own time limit.</summary>
    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A session's limits as they apply to a call (throws ArgumentOutOfRangeException past the host maximums).</summary>
    public Func<ExecutionLimits?, EffectiveLimits>? ResolveLimits { get; set; }

    private EffectiveLimits LimitsFor(SessionRecord record)
    {
        var own = ResolveLimits?.Invoke(record.Limits) ?? new EffectiveLimits(ProbeFuel, 128L * 1024 * 1024, ProbeTimeout, 1024 * 1024, 64 * 1024);
        return own with
        {
            Fuel = Math.Min(own.Fuel, ProbeFuel),
            Timeout = own.Timeout < ProbeTimeout ? own.Timeout : ProbeTimeout,
            MaxStdoutBytes = 1024 * 1024,
            MaxStderrBytes = 64 * 1024,
        };
    }

    /// <summary>Runs a probe (caller holds the gate); null when it did not succeed.</summary>
    private async Task<RawExecution?> RunAsync(Session session, Language language, string code, CancellationToken cancellationToken)
    {
        var raw = await pool.RunAsync(session, language, code, null, 0, LimitsFor(session.Record), [], cancellationToken).ConfigureAwait(false);
        return raw.Outcome == ExecutionOutcome.Success ? raw : null;
    }

    /// <summary>The names earlier calls defined, without defining any.</summary>
    public async Task<IReadOnlyList<string>> ListVariablesAsync(Session session, Language language, CancellationToken cancellationToken)
    {
        string probe = language == Language.Python
            ? "print(__import__('json').dumps(sorted(k for k in globals() if not k.startswith('_'))))"
            : "console.log(__skwasm_names())";
        if (await RunAsync(session, language, probe, cancellationToken).ConfigureAwait(false) is not { } raw) return [];
        try
        {
            return JsonSerializer.Deserialize(raw.Stdout.Trim(), StorageJson.Default.ListString) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>Makes sure the package and what it requires are on the interpreter's sys.path (they are from start-up unless the code changed it).</summary>
    public async Task EnsureImportableAsync(Session session, IReadOnlyList<string> closure, string package, CancellationToken cancellationToken)
    {
        string paths = string.Join(",", closure.Select(p => JsonSerializer.Serialize(packages.GuestPath(p), StorageJson.Default.String)));
        string code = $"import sys\nfor _p in [{paths}]:\n    if _p not in sys.path: sys.path.append(_p)\ndel _p";
        if (await RunAsync(session, Language.Python, code, cancellationToken).ConfigureAwait(false) is null)
            throw new InvalidOperationException(
                $"Installing '{package}' did not finish in the session's interpreter (code the session ran earlier may be interfering, e.g. a trace hook); " +
                "the session was restored to its last checkpoint. Reset the session (reset_session) and install again.");
    }
}
