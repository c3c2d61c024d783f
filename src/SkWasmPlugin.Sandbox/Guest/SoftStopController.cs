using System.Diagnostics;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// The limits of one guest call, checked at every epoch tick: cancellation, the time limit, the output caps and the
/// fuel budget's burn rate. A limit hit asks the interpreter to stop itself at the running line (a soft stop: the
/// runtime's interrupt plan written into its memory, see runtimes/ABI.md), so the user gets a real traceback and the
/// interpreter's state is kept; if that does not happen within <see cref="Grace"/>, or the runtime has no plan, the
/// call is stopped hard (a trap carrying a <see cref="GuestStop"/>). Not thread-safe: one call at a time, as its instance.
/// </summary>
internal sealed class SoftStopController(Memory memory, IReadOnlyList<(int Address, int Value)> plan, TimeSpan epochInterval,
    OutputCapture stdout, OutputCapture stderr)
{
    /// <summary>Most address/value pairs an interrupt plan may have (the runtime's table ends earlier with a zero address).</summary>
    internal const int MaxPlanEntries = 16;

    /// <summary>Fuel kept back for a soft-stopped interpreter to unwind and report (a fuel soft stop starts this much early).</summary>
    internal const double Reserve = 20_000_000;

    /// <summary>How long a soft stop may take before the hard stop.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(300);

    private CallState? _call;

    /// <summary>Starts watching a call with these limits (the store holds exactly <see cref="EffectiveLimits.Fuel"/>).</summary>
    public void Begin(EffectiveLimits limits, CancellationToken cancellationToken) =>
        _call = new CallState(DateTime.UtcNow + limits.Timeout, cancellationToken, limits);

    /// <summary>Stops watching; returns the limit a soft stop was requested for, if one was.</summary>
    public ExecutionOutcome? End()
    {
        var reason = _call?.SoftStopReason;
        _call = null;
        return reason;
    }

    /// <summary>Whether a blocking host function (sleep) must return now: the call was cancelled or is out of time.</summary>
    public bool ShouldWake()
    {
        var call = _call;
        return call is null || call.Cancellation.IsCancellationRequested || DateTime.UtcNow >= call.Deadline;
    }

    /// <summary>The store's epoch deadline callback: checks the call's limits and asks for one more tick.</summary>
    public ulong OnEpochDeadline(Store store)
    {
        var call = _call;
        if (call is null) return 1;
        if (call.Cancellation.IsCancellationRequested)
            throw new GuestStop(ExecutionOutcome.Cancelled, "The execution was cancelled by the caller.");
        var now = DateTime.UtcNow;
        if (call.SoftStopReason is { } reason)
        {
            if (now >= call.SoftStopDeadline) throw new GuestStop(reason, Message(reason, call.Limits));
            Nudge();
            return 1;
        }
        ulong left = store.Fuel;
        // The average burn rate of this call (steadier than one tick's, whose length jitters) predicts
        // whether the budget ends before the next tick (with half a tick of slack); if so, stop now while
        // a soft stop can still work. A program that would just have finished in that last stretch is
        // stopped too: that is at most about 1.5 ticks of work (tens of millions of instructions).
        double budget = call.Limits.Fuel;
        double elapsed = Math.Max(Stopwatch.GetElapsedTime(call.StartTimestamp).TotalSeconds, 1e-3);
        double rate = (budget - left) / elapsed;
        double horizon = 1.5 * epochInterval.TotalSeconds;
        // The reserve is at most a tenth of the budget, so a small budget is not stopped at its first tick;
        // a guest that burns nothing (sleeping) is never predicted to run out.
        double reserve = Math.Min(Reserve, budget / 10);
        bool fuelRunningOut = plan.Count > 0 && rate > 0 && left < rate * horizon + reserve;
        // Output over its cap is a limit already hit; fuel running out is only predicted, so the output comes first.
        ExecutionOutcome? limit =
            now >= call.Deadline ? ExecutionOutcome.TimedOut
            : stdout.Overflowed || stderr.Overflowed ? ExecutionOutcome.OutputLimitExceeded
            : fuelRunningOut ? ExecutionOutcome.FuelExhausted
            : null;
        if (limit is { } hit)
        {
            if (plan.Count == 0) throw new GuestStop(hit, Message(hit, call.Limits));
            // The fuel is never changed in this callback (Wasmtime does not honour a new value set from inside
            // it): what is left of the budget, at least the reserve, pays for the unwinding.
            Request(call, hit, now);
        }
        return 1;
    }

    /// <summary>Whether the guest's report says the interpreter stopped itself at our request.</summary>
    public static bool IsInterruptReport(string? report) =>
        report is not null && (report.Contains("\"type\": \"Interrupted\"", StringComparison.Ordinal)
                            || report.Contains("\"type\":\"Interrupted\"", StringComparison.Ordinal));

    /// <summary>The host's note on a call stopped for <paramref name="reason"/>.</summary>
    public static string Message(ExecutionOutcome reason, EffectiveLimits limits) => reason switch
    {
        ExecutionOutcome.FuelExhausted => $"The program used its whole fuel budget of {limits.Fuel:N0} instructions and was stopped.",
        ExecutionOutcome.TimedOut => $"The program ran past its time limit of {limits.Timeout.TotalSeconds:0.###} s and was stopped.",
        ExecutionOutcome.OutputLimitExceeded => "The program wrote more output than allowed and was stopped.",
        _ => "The program was stopped.",
    };

    private void Request(CallState call, ExecutionOutcome reason, DateTime now)
    {
        call.SoftStopReason = reason;
        call.SoftStopDeadline = now + Grace;
        foreach (var (address, value) in plan) memory.WriteInt32(address, value);
    }

    /// <summary>
    /// While the request is still pending (the plan's second write is still in place, e.g. the exception
    /// not yet taken), writes the other entries again: the interpreter may have recomputed its break flag
    /// from values it read just before our first write. Once taken, nothing is written again, so the
    /// interpreter's own error reporting is never interrupted a second time.
    /// </summary>
    private void Nudge()
    {
        if (plan.Count == 0) return;
        var marker = plan.Count > 1 ? plan[1] : plan[0];
        if (memory.ReadInt32(marker.Address) != marker.Value) return;
        for (int i = 0; i < plan.Count; i++)
            if (i != 1 || plan.Count == 1) memory.WriteInt32(plan[i].Address, plan[i].Value);
    }

    private sealed class CallState(DateTime deadline, CancellationToken cancellation, EffectiveLimits limits)
    {
        public DateTime Deadline { get; } = deadline;
        public CancellationToken Cancellation { get; } = cancellation;
        public EffectiveLimits Limits { get; } = limits;
        public long StartTimestamp { get; } = Stopwatch.GetTimestamp();
        public ExecutionOutcome? SoftStopReason { get; set; }
        public DateTime SoftStopDeadline { get; set; }
    }

    /// <summary>A hard stop: thrown from the epoch callback, it ends the call with a trap that carries the outcome.</summary>
    internal sealed class GuestStop(ExecutionOutcome outcome, string message) : Exception(message)
    {
        public ExecutionOutcome Outcome { get; } = outcome;
    }
}
