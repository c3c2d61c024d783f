using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using SkWasmPlugin.AI;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.SemanticKernel;

/// <summary>Adds the code interpreter plugin to a kernel builder or a kernel.</summary>
public static class KernelExtensions
{
    /// <summary>
    /// Registers the sandbox (see <see cref="ServiceCollectionExtensions.TryAddWasmSandbox"/>: options for a sandbox registered another way throw rather than being ignored) and the plugin:
    /// <c>kernelBuilder.Plugins.AddWasmCodeInterpreter()</c>.
    /// </summary>
    public static IKernelBuilderPlugins AddWasmCodeInterpreter(
        this IKernelBuilderPlugins plugins,
        Action<SandboxOptions>? configureSandbox = null,
        Action<CodeInterpreterOptions>? configureTools = null,
        string pluginName = WasmCodeInterpreterPlugin.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        plugins.Services.TryAddWasmSandbox(configureSandbox);
        plugins.Services.AddWasmSandboxTools(configureTools);
        plugins.Services.AddSingleton(sp => WasmCodeInterpreterPlugin.Create(sp.GetRequiredService<WasmSandboxToolSet>(), pluginName));
        return plugins;
    }

    /// <summary>Adds the plugin over an existing sandbox: <c>kernel.Plugins.AddWasmCodeInterpreter(sandbox)</c>.</summary>
    public static KernelPlugin AddWasmCodeInterpreter(
        this KernelPluginCollection plugins,
        ICodeSandbox sandbox,
        CodeInterpreterOptions? options = null,
        string pluginName = WasmCodeInterpreterPlugin.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        var plugin = WasmCodeInterpreterPlugin.Create(WasmSandboxTools.Create(sandbox, options), pluginName);
        plugins.Add(plugin);
        return plugin;
    }
}
