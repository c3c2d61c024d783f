namespace SkWasmPlugin.Sandbox.Guidance;

/// <summary>Turns fuel use into a band, a suggested budget and one sentence of advice.</summary>
public static class FuelAnalyzer
{
    /// <summary>Analyses one execution. <paramref name="loopLine"/> is the line that was running when the budget ran out, if known.</summary>
    public static FuelAnalysis Analyze(long consumed, long budget, long maxBudget, bool exhausted, int? loopLine = null, bool exhaustedBefore = false)
    {
        if (budget <= 0) throw new ArgumentOutOfRangeException(nameof(budget), "The budget must be positive.");
        double percent = Math.Min(100.0, Math.Round(100.0 * consumed / budget, 1));
        var status = exhausted ? FuelStatus.Exhausted
            : percent < 50 ? FuelStatus.Efficient
            : percent < 75 ? FuelStatus.Moderate
            : percent < 90 ? FuelStatus.Warning
            : FuelStatus.Critical;
        long? suggested = status switch
        {
            FuelStatus.Warning => Suggest(budget, 1.5, maxBudget),
            FuelStatus.Critical or FuelStatus.Exhausted => Suggest(budget, 2.0, maxBudget),
            _ => null,
        };
        string where = loopLine is { } line ? $" (it was running line {line})" : "";
        string advice = status switch
        {
            FuelStatus.Efficient => "Fuel use is well within the budget.",
            FuelStatus.Moderate => "Fuel use is moderate; the budget is adequate.",
            FuelStatus.Warning => $"The program used {percent}% of its budget; ask for {suggested:N0} fuel if it will grow.",
            FuelStatus.Critical => $"The program nearly ran out of fuel ({percent}%); ask for {suggested:N0} fuel next time.",
            _ when exhaustedBefore =>
                $"The program ran out of fuel again after the budget was raised{where}: it most likely loops forever. Fix the loop's exit condition instead of raising the budget.",
            _ when suggested <= budget =>
                $"The program ran out of fuel at the host maximum{where}; make it do less work (smaller input, a better algorithm) or check for an endless loop.",
            _ => $"The program ran out of fuel{where}. If the work is expected, retry with {suggested:N0} fuel; if not, check that loop for a missing exit condition.",
        };
        return new FuelAnalysis
        {
            Consumed = consumed,
            Budget = budget,
            UtilizationPercent = percent,
            Status = status,
            SuggestedBudget = suggested,
            Advice = advice,
        };
    }

    private static long Suggest(long budget, double factor, long max)
    {
        double raw = Math.Ceiling(budget * factor);
        // Round up to two significant digits so the number reads well in a prompt.
        double magnitude = Math.Pow(10, Math.Max(0, Math.Floor(Math.Log10(raw)) - 1));
        long rounded = (long)(Math.Ceiling(raw / magnitude) * magnitude);
        return Math.Min(rounded, max);
    }
}
