using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Retry;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>The loop's result: every attempt, the verdict and a readable history.</summary>
public sealed record CodeRepairResult(RepairVerdict Verdict, IReadOnlyList<RepairAttempt> Attempts, IReadOnlyList<string> History)
{
    public bool Succeeded => Verdict == RepairVerdict.Succeeded;
    public string? FinalCode => Attempts.Count > 0 ? Attempts[^1].Code : null;
}
