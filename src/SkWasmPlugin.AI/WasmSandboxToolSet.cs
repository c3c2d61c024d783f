using System.Collections;
using Microsoft.Extensions.AI;

namespace SkWasmPlugin.AI;

/// <summary>
/// The sandbox's tools (see <see cref="WasmSandboxTools"/>): a type of its own, so it never collides in DI with another
/// library's list of functions. Pass it (<c>[.. toolSet]</c>) as <c>ChatOptions.Tools</c>.
/// </summary>
public sealed class WasmSandboxToolSet(IReadOnlyList<SandboxTool> tools) : IReadOnlyList<SandboxTool>
{
    /// <summary>The tool of that name.</summary>
    /// <exception cref="KeyNotFoundException">No tool has that name.</exception>
    public SandboxTool this[string name] =>
        tools.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"The sandbox has no tool named '{name}'.");

    /// <inheritdoc />
    public SandboxTool this[int index] => tools[index];

    /// <inheritdoc />
    public int Count => tools.Count;

    /// <summary>
    /// The tools that work in a session, fixed to <paramref name="sessionId"/>: without a <c>sessionId</c> parameter, so a
    /// model given them can reach no other session (create_session and destroy_session are left out). With
    /// <paramref name="names"/>, only those tools.
    /// </summary>
    public IReadOnlyList<AIFunction> ForSession(string sessionId, params string[] names)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        return [.. tools
            .Where(t => t.TakesSessionId && t.Name != ToolDescriptions.DestroySessionName && (names.Length == 0 || names.Contains(t.Name)))
            .Select(t => new SessionBoundTool(t, sessionId))];
    }

    /// <summary>The tools as M.E.AI tools, e.g. for <c>ChatOptions.Tools</c>.</summary>
    public IList<AITool> AsAITools() => [.. tools];

    /// <inheritdoc />
    public IEnumerator<SandboxTool> GetEnumerator() => tools.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
