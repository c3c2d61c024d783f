using Microsoft.SemanticKernel;
using SkWasmPlugin.AI;

namespace SkWasmPlugin.SemanticKernel;

/// <summary>
/// The code interpreter as a Semantic Kernel plugin: the sandbox's one tool set (<see cref="WasmSandboxTools"/>), each
/// tool adapted with <c>AsKernelFunction</c>, so names, descriptions and parameters are those of every other skin.
/// </summary>
public static class WasmCodeInterpreterPlugin
{
    /// <summary>The default plugin name.</summary>
    public const string DefaultName = "CodeInterpreter";

    /// <summary>A plugin of every tool in <paramref name="tools"/>.</summary>
    public static KernelPlugin Create(WasmSandboxToolSet tools, string pluginName = DefaultName)
    {
        ArgumentNullException.ThrowIfNull(tools);
        return KernelPluginFactory.CreateFromFunctions(pluginName,
            "Runs Python and JavaScript in an isolated WebAssembly sandbox, with files in /app.",
            tools.Select(t => t.AsKernelFunction()));
    }
}
