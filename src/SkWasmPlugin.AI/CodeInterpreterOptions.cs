namespace SkWasmPlugin.AI;

/// <summary>What an approval hook sees before code runs.</summary>
public sealed record CodeApprovalRequest(string Language, string Code, string? SessionId);

/// <summary>Options shared by the M.E.AI tools, the SK plugin and the MCP tools.</summary>
public sealed class CodeInterpreterOptions
{
    /// <summary>Strip Markdown fences and a leading language word that models often wrap code in. On by default.</summary>
    public bool SanitizeInput { get; set; } = true;

    /// <summary>Inspects code before it runs; returning false refuses it, and the refusal reaches the model as a result.</summary>
    public Func<CodeApprovalRequest, ValueTask<bool>>? ApprovalHandler { get; set; }

    /// <summary>Most characters of stdout and of stderr put into a tool result (head and tail are kept).</summary>
    public int MaxOutputCharsForModel { get; set; } = 8000;
}
