using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>Adds <see cref="WasmCodeInterpreterChatClient"/> to a chat client pipeline.</summary>
public static class WasmCodeInterpreterChatClientBuilderExtensions
{
    /// <summary>
    /// Serves <see cref="HostedCodeInterpreterTool"/> with the sandbox (<paramref name="sandbox"/>, else the
    /// <see cref="ICodeSandbox"/> of the builder's services): an app written for a provider's hosted code interpreter runs
    /// its code locally by adding this line.
    /// </summary>
    public static ChatClientBuilder UseWasmCodeInterpreter(this ChatClientBuilder builder, ICodeSandbox? sandbox = null, Action<CodeInterpreterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var options = new CodeInterpreterOptions();
            configure?.Invoke(options);
            var resolved = sandbox ?? services.GetService<ICodeSandbox>()
                ?? throw new InvalidOperationException("UseWasmCodeInterpreter needs a sandbox: pass one, or register it with services.AddWasmSandbox().");
            return new WasmCodeInterpreterChatClient(inner, resolved, options);
        });
    }
}
