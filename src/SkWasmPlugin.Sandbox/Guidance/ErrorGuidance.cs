namespace SkWasmPlugin.Sandbox;

/// <summary>A structured diagnosis of a failed execution, meant to let a model repair its own code.</summary>
public sealed record ErrorGuidance
{
    /// <summary>The error type: the Python exception class, the JS error name, or one of our kinds
    /// (OutOfFuel, Timeout, MemoryExhausted, OutputLimit, PathRestriction, MissingPackage, UnsupportedFeature, QuotaExceeded, …).</summary>
    public required string ErrorType { get; init; }

    /// <summary>The error message.</summary>
    public required string Message { get; init; }

    /// <summary>The 1-based line of the user's code where it failed, when known.</summary>
    public int? Line { get; init; }

    /// <summary>The text of that line.</summary>
    public string? SourceLine { get; init; }

    /// <summary>A few numbered lines around the failing line, the failing one marked with '>'.</summary>
    public string? CodeFrame { get; init; }

    /// <summary>A broad category: syntax, name, type, value, lookup, import, io, resource, sandbox, runtime.</summary>
    public required string Category { get; init; }

    /// <summary>One or two sentences saying what to change, concrete to this error.</summary>
    public required string Fix { get; init; }
}
