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

    /// <summary>The tools as M.E.AI tools, e.g. for <c>ChatOptions.Tools</c>.</summary>
    public IList<AITool> AsAITools() => [.. tools];

    /// <inheritdoc />
    public IEnumerator<SandboxTool> GetEnumerator() => tools.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
