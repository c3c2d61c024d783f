using System.Text.Json.Serialization;

namespace SkWasmPlugin.Sandbox;

/// <summary>What an execution produced. Guest failures are described here, not thrown.</summary>
public sealed record ExecutionResult
{
    /// <summary>How the execution ended.</summary>
    public required ExecutionOutcome Outcome { get; init; }

    /// <summary>The language that ran.</summary>
    public required Language Language { get; init; }

    /// <summary>What the program wrote to stdout (at most the stdout limit).</summary>
    public string Stdout { get; init; } = "";

    /// <summary>What the program wrote to stderr (at most the stderr limit).</summary>
    public string Stderr { get; init; } = "";

    /// <summary>The program's exit code: 0 on success, 1 for an uncaught error, n for sys.exit(n); null when a limit stopped it.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Fuel the program used.</summary>
    public long FuelConsumed { get; init; }

    /// <summary>Fuel the program was given.</summary>
    public long FuelBudget { get; init; }

    /// <summary>Wall-clock time of the call, including host work, from after the runtime was ready (see <see cref="Startup"/>).</summary>
    [JsonIgnore]
    public TimeSpan Duration { get; init; }

    /// <summary>Wall-clock time in milliseconds.</summary>
    public double DurationMs => Math.Round(Duration.TotalMilliseconds, 3);

    /// <summary>
    /// Time this call waited for its language's runtime to start before it ran: loading or compiling the module and
    /// taking the interpreter's start-up image, paid once per process by the first call (zero after, and after
    /// <see cref="ICodeSandbox.Warmup"/>). Not part of <see cref="Duration"/>.
    /// </summary>
    [JsonIgnore]
    public TimeSpan Startup { get; init; }

    /// <summary><see cref="Startup"/> in milliseconds.</summary>
    public double StartupMs => Math.Round(Startup.TotalMilliseconds, 3);

    /// <summary>True when stdout went over its limit and the rest was dropped.</summary>
    public bool StdoutTruncated { get; init; }

    /// <summary>True when stderr went over its limit and the rest was dropped.</summary>
    public bool StderrTruncated { get; init; }

    /// <summary>The session the call ran in, if any.</summary>
    public string? SessionId { get; init; }

    /// <summary>What went wrong and how to fix it; null on success.</summary>
    public ErrorGuidance? Guidance { get; init; }

    /// <summary>How much of the fuel budget was used, with advice.</summary>
    public FuelAnalysis? FuelAnalysis { get; init; }

    /// <summary>
    /// The value of the program's last expression, as a REPL shows it (IPython's <c>Out</c>): Python, the <c>repr</c> of a
    /// cell whose last statement is an expression (not <c>None</c>); JavaScript, the script's completion value formatted as
    /// <c>console.log</c> does (not <c>undefined</c>; a promise that settled during the call shows its value). At most
    /// 10,000 characters, cut with a "… [n more characters]" marker. Null when there is none or the call did not succeed.
    /// </summary>
    public string? Result { get; init; }

    /// <summary>
    /// The largest linear-memory size the call's interpreter reached, in bytes. WebAssembly memory only grows, so this
    /// is its size at the end of the call: for a stateless call the peak of that call; for a session, the high-water
    /// mark of the session's interpreter so far (earlier calls included, until it is restored or evicted).
    /// </summary>
    public long PeakMemoryBytes { get; init; }

    /// <summary>
    /// Files under <c>/app</c> the call created or modified (folders and deletions are not listed), shown files
    /// (<see cref="WorkspaceFileChange.Shown"/>) first, then by path; at most 100 (see <see cref="FilesTruncated"/>).
    /// A stateless call's temporary <c>/app</c> is listed too, and the bytes of its small images are in
    /// <see cref="WorkspaceFileChange.Content"/>, since that folder is deleted after the call.
    /// </summary>
    public IReadOnlyList<WorkspaceFileChange> Files { get; init; } = [];

    /// <summary>True when more files changed than <see cref="Files"/> lists (a note says how many), or the workspace was too large to compare whole.</summary>
    public bool FilesTruncated { get; init; }

    /// <summary>Notes about the call and session state, e.g. that the state was restored to the last good checkpoint, or that the result's repr() raised.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>True when the outcome is <see cref="ExecutionOutcome.Success"/>.</summary>
    [JsonIgnore]
    public bool IsSuccess => Outcome == ExecutionOutcome.Success;
}
