using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelContextProtocol.Server;
using SkWasmPlugin.AI;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Mcp;

/// <summary>Adds the sandbox tools to an MCP server: <c>services.AddMcpServer().WithWasmSandboxTools()</c>.</summary>
public static class McpServerBuilderExtensions
{
    /// <summary>
    /// Registers the sandbox's tool set as MCP tools (<see cref="SandboxMcpTool"/>), plus the sandbox (<c>AddWasmSandbox</c>, unless an
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
        // One MCP tool per tool of the set, each resolved with the set from DI.
        foreach (string name in WasmSandboxTools.Names)
        {
            services.AddSingleton<McpServerTool>(sp => new SandboxMcpTool(
                sp.GetRequiredService<WasmSandboxToolSet>()[name], sp.GetRequiredService<McpClientIsolation>()));
        }
        // Session files as resources: list and read them from any MCP client.
        services.TryAddSingleton<SessionFileResources>();
        builder.WithListResourceTemplatesHandler((request, ct) => request.Services!.GetRequiredService<SessionFileResources>().ListTemplatesAsync(request, ct));
        builder.WithListResourcesHandler((request, ct) => request.Services!.GetRequiredService<SessionFileResources>().ListAsync(request, ct));
        builder.WithReadResourceHandler((request, ct) => request.Services!.GetRequiredService<SessionFileResources>().ReadAsync(request, ct));
        return builder;
    }
}
