using SkWasmPlugin.Sandbox;
using SkWasmPlugin.Sandbox.Guidance;

namespace SkWasmPlugin.Sandbox.Tests;

public sealed class FuelAnalysisTests
{
    [Theory]
    [InlineData(100, 1000, FuelStatus.Efficient, null)]
    [InlineData(499, 1000, FuelStatus.Efficient, null)]
    [InlineData(500, 1000, FuelStatus.Moderate, null)]
    [InlineData(749, 1000, FuelStatus.Moderate, null)]
    [InlineData(750, 1000, FuelStatus.Warning, 1500L)]
    [InlineData(899, 1000, FuelStatus.Warning, 1500L)]
    [InlineData(900, 1000, FuelStatus.Critical, 2000L)]
    [InlineData(999, 1000, FuelStatus.Critical, 2000L)]
    public void Bands_and_suggestions(long consumed, long budget, FuelStatus status, long? suggested)
    {
        var a = FuelAnalyzer.Analyze(consumed, budget, 1_000_000, exhausted: false);
        Assert.Equal(status, a.Status);
        Assert.Equal(suggested, a.SuggestedBudget);
        Assert.Equal(Math.Round(100.0 * consumed / budget, 1), a.UtilizationPercent);
        Assert.False(string.IsNullOrWhiteSpace(a.Advice));
    }

    [Fact]
    public void Exhausted_doubles_the_budget_rounded_and_capped()
    {
        var a = FuelAnalyzer.Analyze(1_234_567_890, 1_234_567_890, 50_000_000_000, exhausted: true, loopLine: 7);
        Assert.Equal(FuelStatus.Exhausted, a.Status);
        Assert.Equal(2_500_000_000, a.SuggestedBudget); // 2,469,135,780 rounded up to two significant digits
        Assert.Contains("line 7", a.Advice);
        Assert.Equal(100, a.UtilizationPercent);

        var capped = FuelAnalyzer.Analyze(40_000_000_000, 40_000_000_000, 50_000_000_000, exhausted: true);
        Assert.Equal(50_000_000_000, capped.SuggestedBudget);
        var atMax = FuelAnalyzer.Analyze(50_000_000_000, 50_000_000_000, 50_000_000_000, exhausted: true);
        Assert.Contains("host maximum", atMax.Advice);
    }

    [Fact]
    public void Exhausted_again_after_raising_points_at_an_endless_loop()
    {
        var a = FuelAnalyzer.Analyze(2000, 2000, 1_000_000, exhausted: true, loopLine: 3, exhaustedBefore: true);
        Assert.Contains("loops forever", a.Advice);
        Assert.Contains("line 3", a.Advice);
    }

    [Fact]
    public void Warning_band_suggests_one_and_a_half_times()
    {
        var a = FuelAnalyzer.Analyze(8_000_000_000, 10_000_000_000, 50_000_000_000, exhausted: false);
        Assert.Equal(15_000_000_000, a.SuggestedBudget);
        Assert.Contains("15,000,000,000", a.Advice);
    }
}
