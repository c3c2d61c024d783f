namespace SkWasmPlugin.AI;

/// <summary>What a tool does to its environment, as MCP's tool annotations describe it.</summary>
/// <param name="ReadOnly">It only reads.</param>
/// <param name="Destructive">It may delete or overwrite.</param>
/// <param name="Idempotent">Calling it again with the same arguments changes nothing more.</param>
/// <param name="RunsCode">It runs a program (subject to execution limits and approval).</param>
public sealed record SandboxToolHints(bool ReadOnly = false, bool Destructive = false, bool Idempotent = false, bool RunsCode = false);
