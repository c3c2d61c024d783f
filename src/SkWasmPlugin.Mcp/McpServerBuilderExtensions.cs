using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SkWasmPlugin.AI;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Mcp;

/// <summary>Adds the sandbox tools to an MCP server: <c>services.AddMcpServer().WithWasmSandboxTools()</c>.</summary>
public static class McpServerBuilderExtensions
{
    /// <summary>
    /// Registers the <see cref="WasmSandboxMcpTools"/>, plus the sandbox (<c>AddWasmSandbox</c>, unless an
    /// <see cref="ICodeSandbox"/> is registered), <see cref="CodeInterpreterTools"/> (<c>AddWasmSandboxTools</c>) and the
    /// per-client isolation (default <see cref="SkWasmMcpServerOptions"/> unless registered).
    /// </summary>
    public static IMcpServerBuilder WithWasmSandboxTools(
        this IMcpServerBuilder builder,
        Action<SandboxOptions>? configureSandbox = null,
        Action<CodeInterpreterOptions>? configureTools = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddWasmSandbox(configureSandbox);
        services.AddWasmSandboxTools(configureTools);
        services.TryAddSingleton(new SkWasmMcpServerOptions());
        services.TryAddSingleton<McpClientIsolation>();
        return builder.WithTools<WasmSandboxMcpTools>();
    }
}
