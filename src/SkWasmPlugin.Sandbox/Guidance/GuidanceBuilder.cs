using System.Text;
using SkWasmPlugin.Sandbox.Hosting;
using SkWasmPlugin.Sandbox.Sessions;

namespace SkWasmPlugin.Sandbox.Guidance;

/// <summary>Turns a raw guest execution into the public result: guidance from the table, fuel analysis, code frame.</summary>
internal sealed class GuidanceBuilder(SandboxOptions options, PackageCatalog packages)
{
    public ExecutionResult Build(ExecutionRequest request, RawExecution raw, EffectiveLimits limits, TimeSpan elapsed, IReadOnlyList<string> notes)
    {
        var report = GuestReport.Parse(raw.ReportJson);
        var error = report?.Error;
        // An allocation the interpreter turned into an exception is still the memory limit at work.
        if (raw.Outcome == ExecutionOutcome.Error && error is { Type: "MemoryError" } or { Type: "InternalError", Message: "out of memory" })
            raw = raw with { Outcome = ExecutionOutcome.MemoryExhausted };
        bool exhausted = raw.Outcome == ExecutionOutcome.FuelExhausted;
        var fuel = FuelAnalyzer.Analyze(raw.FuelConsumed, limits.Fuel, options.MaxFuel, exhausted, exhausted ? error?.Line : null);
        ErrorGuidance? guidance = raw.Outcome == ExecutionOutcome.Success
            ? null
            : Describe(new GuidanceContext(request.Language, raw.Outcome, error, raw.Stderr, raw.TrapMessage, limits, packages), request.Code);
        bool success = raw.Outcome == ExecutionOutcome.Success;
        if (success && report?.ResultError is { } resultError) notes = [.. notes, resultError];
        if (raw.Files is { } files && (files.Total > files.Files.Count || !files.Complete))
            notes = [.. notes, files.Complete
                ? $"{files.Total:N0} files were created or changed; the first {files.Files.Count} are listed."
                : $"The workspace has more than {WorkspaceScan.MaxEntries:N0} entries; only the first {WorkspaceScan.MaxEntries:N0} were compared, so the list of changed files may be incomplete."];
        string stderr = raw.Stderr;
        if (raw.TrapMessage is { } trap && raw.Outcome != ExecutionOutcome.Success && !stderr.Contains(trap, StringComparison.Ordinal))
            stderr += (stderr.Length == 0 || stderr.EndsWith('\n') ? "" : "\n") + trap + "\n"; // appended only: a stream's chunks stay its prefix
        return new ExecutionResult
        {
            Outcome = raw.Outcome,
            Language = request.Language,
            Stdout = raw.Stdout,
            Stderr = stderr,
            ExitCode = raw.ExitCode,
            FuelConsumed = raw.FuelConsumed,
            FuelBudget = limits.Fuel,
            Duration = elapsed,
            StdoutTruncated = raw.StdoutTruncated,
            StderrTruncated = raw.StderrTruncated,
            SessionId = request.SessionId,
            Guidance = guidance,
            FuelAnalysis = fuel,
            Notes = notes,
            Result = success ? report?.Result : null,
            PeakMemoryBytes = raw.PeakMemoryBytes,
            Files = raw.Files?.Files ?? [],
            FilesTruncated = raw.Files is { } f && (f.Total > f.Files.Count || !f.Complete),
        };
    }

    internal static ErrorGuidance Describe(GuidanceContext context, string code)
    {
        var rule = GuidanceTable.Rules.First(r => r.Applies(context));
        int? line = context.Error?.Line;
        string[] lines = code.Split('\n');
        string? sourceLine = line is { } l && l >= 1 && l <= lines.Length ? lines[l - 1].TrimEnd('\r') : null;
        string message = context.Error?.Message is { Length: > 0 } m ? m : context.LimitMessage ?? context.Outcome.ToString();
        return new ErrorGuidance
        {
            ErrorType = rule.ErrorType?.Invoke(context) ?? (context.Type.Length > 0 ? context.Type : context.Outcome.ToString()),
            Message = message,
            Line = sourceLine is null ? null : line,
            SourceLine = sourceLine,
            CodeFrame = sourceLine is null ? null : Frame(lines, line!.Value),
            Category = rule.Category,
            Fix = rule.Fix(context),
        };
    }

    /// <summary>Two lines either side of the failing one, numbered, the failing one marked.</summary>
    internal static string Frame(string[] lines, int line)
    {
        var sb = new StringBuilder();
        int from = Math.Max(1, line - 2), to = Math.Min(lines.Length, line + 2);
        int width = to.ToString().Length;
        for (int i = from; i <= to; i++)
            sb.Append(i == line ? "> " : "  ").Append(i.ToString().PadLeft(width)).Append(" | ").Append(lines[i - 1].TrimEnd('\r')).Append('\n');
        return sb.ToString().TrimEnd('\n');
    }
}
