namespace SkWasmPlugin.AI;

/// <summary>The loop's result: every attempt, the verdict and a readable history.</summary>
public sealed record CodeRepairResult(RepairVerdict Verdict, IReadOnlyList<RepairAttempt> Attempts, IReadOnlyList<string> History)
{
    public bool Succeeded => Verdict == RepairVerdict.Succeeded;
    public string? FinalCode => Attempts.Count > 0 ? Attempts[^1].Code : null;
}
