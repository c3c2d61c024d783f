using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

// Orleans' own binary form for the types of every call (request, limits, result, fuel analysis): measured in
// bench/SkWasmPlugin.ClusterBench, JSON for these cost more than the messaging itself. The rarer types (guidance, file
// changes, session and workspace records) stay JSON (WireJson). Enums travel as their numbers.

[GenerateSerializer]
[Alias("skwasm.ExecutionRequest")]
internal struct ExecutionRequestSurrogate
{
    [Id(0)] public int Language;
    [Id(1)] public string Code;
    [Id(2)] public string? Stdin;
    [Id(3)] public ExecutionLimits? Limits;
    [Id(4)] public string? SessionId;
    [Id(5)] public bool JavaScriptModule;
}

[RegisterConverter]
internal sealed class ExecutionRequestConverter : IConverter<ExecutionRequest, ExecutionRequestSurrogate>
{
    public ExecutionRequest ConvertFromSurrogate(in ExecutionRequestSurrogate s) =>
        new((Language)s.Language, s.Code) { Stdin = s.Stdin, Limits = s.Limits, SessionId = s.SessionId, JavaScriptModule = s.JavaScriptModule };

    public ExecutionRequestSurrogate ConvertToSurrogate(in ExecutionRequest v) => new()
    {
        Language = (int)v.Language,
        Code = v.Code,
        Stdin = v.Stdin,
        Limits = v.Limits,
        SessionId = v.SessionId,
        JavaScriptModule = v.JavaScriptModule,
    };
}

[GenerateSerializer]
[Alias("skwasm.ExecutionLimits")]
internal struct ExecutionLimitsSurrogate
{
    [Id(0)] public long? Fuel;
    [Id(1)] public long? MemoryBytes;
    [Id(2)] public TimeSpan? Timeout;
    [Id(3)] public int? MaxStdoutBytes;
    [Id(4)] public int? MaxStderrBytes;
}

[RegisterConverter]
internal sealed class ExecutionLimitsConverter : IConverter<ExecutionLimits, ExecutionLimitsSurrogate>
{
    public ExecutionLimits ConvertFromSurrogate(in ExecutionLimitsSurrogate s) => new()
    {
        Fuel = s.Fuel,
        MemoryBytes = s.MemoryBytes,
        Timeout = s.Timeout,
        MaxStdoutBytes = s.MaxStdoutBytes,
        MaxStderrBytes = s.MaxStderrBytes,
    };

    public ExecutionLimitsSurrogate ConvertToSurrogate(in ExecutionLimits v) => new()
    {
        Fuel = v.Fuel,
        MemoryBytes = v.MemoryBytes,
        Timeout = v.Timeout,
        MaxStdoutBytes = v.MaxStdoutBytes,
        MaxStderrBytes = v.MaxStderrBytes,
    };
}

[GenerateSerializer]
[Alias("skwasm.FuelAnalysis")]
internal struct FuelAnalysisSurrogate
{
    [Id(0)] public long Consumed;
    [Id(1)] public long Budget;
    [Id(2)] public double UtilizationPercent;
    [Id(3)] public int Status;
    [Id(4)] public long? SuggestedBudget;
    [Id(5)] public string Advice;
}

[RegisterConverter]
internal sealed class FuelAnalysisConverter : IConverter<FuelAnalysis, FuelAnalysisSurrogate>
{
    public FuelAnalysis ConvertFromSurrogate(in FuelAnalysisSurrogate s) => new()
    {
        Consumed = s.Consumed,
        Budget = s.Budget,
        UtilizationPercent = s.UtilizationPercent,
        Status = (FuelStatus)s.Status,
        SuggestedBudget = s.SuggestedBudget,
        Advice = s.Advice,
    };

    public FuelAnalysisSurrogate ConvertToSurrogate(in FuelAnalysis v) => new()
    {
        Consumed = v.Consumed,
        Budget = v.Budget,
        UtilizationPercent = v.UtilizationPercent,
        Status = (int)v.Status,
        SuggestedBudget = v.SuggestedBudget,
        Advice = v.Advice,
    };
}

[GenerateSerializer]
[Alias("skwasm.ExecutionResult")]
internal struct ExecutionResultSurrogate
{
    [Id(0)] public int Outcome;
    [Id(1)] public int Language;
    [Id(2)] public string Stdout;
    [Id(3)] public string Stderr;
    [Id(4)] public int? ExitCode;
    [Id(5)] public long FuelConsumed;
    [Id(6)] public long FuelBudget;
    [Id(7)] public TimeSpan Duration;
    [Id(8)] public TimeSpan Startup;
    [Id(9)] public bool StdoutTruncated;
    [Id(10)] public bool StderrTruncated;
    [Id(11)] public string? SessionId;
    [Id(12)] public ErrorGuidance? Guidance;
    [Id(13)] public FuelAnalysis? FuelAnalysis;
    [Id(14)] public string? Result;
    [Id(15)] public long PeakMemoryBytes;
    [Id(16)] public WorkspaceFileChange[] Files;
    [Id(17)] public bool FilesTruncated;
    [Id(18)] public string[] Notes;
}

[RegisterConverter]
internal sealed class ExecutionResultConverter : IConverter<ExecutionResult, ExecutionResultSurrogate>
{
    public ExecutionResult ConvertFromSurrogate(in ExecutionResultSurrogate s) => new()
    {
        Outcome = (ExecutionOutcome)s.Outcome,
        Language = (Language)s.Language,
        Stdout = s.Stdout,
        Stderr = s.Stderr,
        ExitCode = s.ExitCode,
        FuelConsumed = s.FuelConsumed,
        FuelBudget = s.FuelBudget,
        Duration = s.Duration,
        Startup = s.Startup,
        StdoutTruncated = s.StdoutTruncated,
        StderrTruncated = s.StderrTruncated,
        SessionId = s.SessionId,
        Guidance = s.Guidance,
        FuelAnalysis = s.FuelAnalysis,
        Result = s.Result,
        PeakMemoryBytes = s.PeakMemoryBytes,
        Files = s.Files ?? [],
        FilesTruncated = s.FilesTruncated,
        Notes = s.Notes ?? [],
    };

    public ExecutionResultSurrogate ConvertToSurrogate(in ExecutionResult v) => new()
    {
        Outcome = (int)v.Outcome,
        Language = (int)v.Language,
        Stdout = v.Stdout,
        Stderr = v.Stderr,
        ExitCode = v.ExitCode,
        FuelConsumed = v.FuelConsumed,
        FuelBudget = v.FuelBudget,
        Duration = v.Duration,
        Startup = v.Startup,
        StdoutTruncated = v.StdoutTruncated,
        StderrTruncated = v.StderrTruncated,
        SessionId = v.SessionId,
        Guidance = v.Guidance,
        FuelAnalysis = v.FuelAnalysis,
        Result = v.Result,
        PeakMemoryBytes = v.PeakMemoryBytes,
        Files = [.. v.Files],
        FilesTruncated = v.FilesTruncated,
        Notes = [.. v.Notes],
    };
}
