namespace SkWasmPlugin.Sandbox;

/// <summary>One program to run.</summary>
public sealed record ExecutionRequest
{
    /// <summary>Creates a request.</summary>
    public ExecutionRequest(Language language, string code)
    {
        Language = language;
        Code = code;
    }

    /// <summary>The guest language.</summary>
    public Language Language { get; init; }

    /// <summary>The source text.</summary>
    public string Code { get; init; }

    /// <summary>Standard input for the program (read with <c>sys.stdin</c>, <c>input()</c>, <c>readline()</c>).</summary>
    public string? Stdin { get; init; }

    /// <summary>Overrides of the default limits.</summary>
    public ExecutionLimits? Limits { get; init; }

    /// <summary>
    /// The session to run in: state (variables, functions, imports) and the <c>/app</c> workspace persist
    /// between calls of one session. Null runs in a fresh, isolated interpreter with an empty workspace.
    /// </summary>
    public string? SessionId { get; init; }

    /// <summary>JavaScript only: evaluate as an ES module (import/export, top-level await) instead of a script.</summary>
    public bool JavaScriptModule { get; init; }
}
