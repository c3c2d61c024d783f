using System.Collections;
using Microsoft.Extensions.AI;

namespace SkWasmPlugin.AI;

/// <summary>
/// The sandbox's tools as registered in DI by <see cref="WasmSandboxTools.AddWasmSandboxTools"/>: a type of its own, so
/// it never collides with another library's list of functions. Pass it (or <c>[.. toolSet]</c>) as <c>ChatOptions.Tools</c>.
/// </summary>
public sealed class WasmSandboxToolSet(IReadOnlyList<AIFunction> tools) : IReadOnlyList<AIFunction>
{
    public AIFunction this[int index] => tools[index];

    public int Count => tools.Count;

    public IEnumerator<AIFunction> GetEnumerator() => tools.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
