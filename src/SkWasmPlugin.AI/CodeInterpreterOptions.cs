using SkWasmPlugin.AI.Rendering;

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

    /// <summary>
    /// Most bytes a binary file may have to go through <c>read_file</c> (as base64) or <c>write_file</c>
    /// (<c>encoding: "base64"</c>, or text); larger files are refused with a note to handle them in code.
    /// </summary>
    public int MaxFileTransferBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// Send the images a run made (PNG, JPEG, GIF, and SVG rendered to PNG) back with its result, so a multimodal model
    /// sees its own chart. On by default.
    /// </summary>
    public bool ReturnImages { get; set; } = true;

    /// <summary>Bounds on the images sent back and on rendering SVG.</summary>
    public ImageRenderOptions Images { get; set; } = new();
}
