namespace SkWasmPlugin.Sandbox;

/// <summary>Bands of fuel use.</summary>
public enum FuelStatus
{
    /// <summary>Under 50% of the budget.</summary>
    Efficient,

    /// <summary>50% to under 75%.</summary>
    Moderate,

    /// <summary>75% to under 90%.</summary>
    Warning,

    /// <summary>90% to under 100%.</summary>
    Critical,

    /// <summary>The budget ran out.</summary>
    Exhausted,
}

/// <summary>How much of its instruction budget an execution used, and what budget to ask for next time.</summary>
public sealed record FuelAnalysis
{
    /// <summary>Fuel used.</summary>
    public required long Consumed { get; init; }

    /// <summary>Fuel given.</summary>
    public required long Budget { get; init; }

    /// <summary>Consumed as a percentage of budget, one decimal.</summary>
    public required double UtilizationPercent { get; init; }

    /// <summary>The band.</summary>
    public required FuelStatus Status { get; init; }

    /// <summary>A budget to request next time; set from the warning band upwards, capped by the host maximum.</summary>
    public long? SuggestedBudget { get; init; }

    /// <summary>A short sentence of advice.</summary>
    public required string Advice { get; init; }
}
