namespace SkWasmPlugin.Sandbox;

/// <summary>How an execution ended. Every guest failure is one of these, never a host exception.</summary>
public enum ExecutionOutcome
{
    /// <summary>The program ran to the end (or exited with code 0).</summary>
    Success,

    /// <summary>The program raised an uncaught error or exited with a non-zero code.</summary>
    Error,

    /// <summary>The instruction budget (fuel) ran out.</summary>
    FuelExhausted,

    /// <summary>The wall-clock limit was reached.</summary>
    TimedOut,

    /// <summary>The program needed more memory than its limit.</summary>
    MemoryExhausted,

    /// <summary>The program wrote more output than the limit and was stopped.</summary>
    OutputLimitExceeded,

    /// <summary>The caller cancelled the execution.</summary>
    Cancelled,

    /// <summary>The interpreter itself failed (a trap that is not one of the limits, e.g. C stack exhaustion).</summary>
    Crashed,

    /// <summary>An approval hook refused to run the code.</summary>
    Refused,
}
