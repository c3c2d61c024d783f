using System.Reflection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>
/// The sandbox's one tool set: every skin (M.E.AI and Agent Framework directly, the SK plugin through
/// <c>AsKernelFunction</c>, the MCP server through its tool adapter) exposes exactly these tools, with these names,
/// descriptions and parameters.
/// </summary>
public static class WasmSandboxTools
{
    private static readonly (string Method, string Name, string Description, SandboxToolHints Hints)[] Definitions =
    [
        (nameof(CodeInterpreterTools.ExecutePythonAsync), ToolDescriptions.ExecutePythonName, ToolDescriptions.ExecutePython, new(RunsCode: true)),
        (nameof(CodeInterpreterTools.ExecuteJavaScriptAsync), ToolDescriptions.ExecuteJavaScriptName, ToolDescriptions.ExecuteJavaScript, new(RunsCode: true)),
        (nameof(CodeInterpreterTools.ExecuteCodeAsync), ToolDescriptions.ExecuteCodeName, ToolDescriptions.ExecuteCode, new(RunsCode: true)),
        (nameof(CodeInterpreterTools.CreateSessionAsync), ToolDescriptions.CreateSessionName, ToolDescriptions.CreateSession, new()),
        (nameof(CodeInterpreterTools.DestroySessionAsync), ToolDescriptions.DestroySessionName, ToolDescriptions.DestroySession, new(Destructive: true, Idempotent: true)),
        (nameof(CodeInterpreterTools.ResetSessionAsync), ToolDescriptions.ResetSessionName, ToolDescriptions.ResetSession, new(Destructive: true, Idempotent: true)),
        (nameof(CodeInterpreterTools.ListFilesAsync), ToolDescriptions.ListFilesName, ToolDescriptions.ListFiles, new(ReadOnly: true, Idempotent: true)),
        (nameof(CodeInterpreterTools.ReadFileAsync), ToolDescriptions.ReadFileName, ToolDescriptions.ReadFile, new(ReadOnly: true, Idempotent: true)),
        (nameof(CodeInterpreterTools.WriteFileAsync), ToolDescriptions.WriteFileName, ToolDescriptions.WriteFile, new(Destructive: true, Idempotent: true)),
        (nameof(CodeInterpreterTools.GetWorkspaceInfoAsync), ToolDescriptions.WorkspaceInfoName, ToolDescriptions.WorkspaceInfo, new(ReadOnly: true)),
        (nameof(CodeInterpreterTools.InstallPackageAsync), ToolDescriptions.InstallPackageName, ToolDescriptions.InstallPackage, new(Idempotent: true)),
        (nameof(CodeInterpreterTools.ListRuntimes), ToolDescriptions.ListRuntimesName, ToolDescriptions.ListRuntimes, new(ReadOnly: true, Idempotent: true)),
    ];

    /// <summary>The names of the tools, in the order the set lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Definitions.Select(d => d.Name)];

    /// <summary>All tools over a sandbox.</summary>
    public static WasmSandboxToolSet Create(ICodeSandbox sandbox, CodeInterpreterOptions? options = null) =>
        Create(new CodeInterpreterTools(sandbox, options));

    /// <summary>All tools over an existing <see cref="CodeInterpreterTools"/>.</summary>
    public static WasmSandboxToolSet Create(CodeInterpreterTools tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        return new([.. Definitions.Select(d => new SandboxTool(Function(tools, d.Method, d.Name, d.Description), d.Hints))]);
    }

    private static AIFunction Function(CodeInterpreterTools tools, string method, string name, string description) =>
        AIFunctionFactory.Create(
            typeof(CodeInterpreterTools).GetMethod(method, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new MissingMethodException(nameof(CodeInterpreterTools), method),
            tools,
            new AIFunctionFactoryOptions
            {
                Name = name,
                Description = description,
                ExcludeResultSchema = true,
                // The typed result goes to SandboxTool as it is; each skin decides its own form.
                MarshalResult = static (result, _, _) => new ValueTask<object?>(result),
            });

    /// <summary>Registers <see cref="CodeInterpreterTools"/> (over the registered <see cref="ICodeSandbox"/>) and the tools as a <see cref="WasmSandboxToolSet"/>.</summary>
    public static IServiceCollection AddWasmSandboxTools(this IServiceCollection services, Action<CodeInterpreterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new CodeInterpreterOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new CodeInterpreterTools(sp.GetRequiredService<ICodeSandbox>(), sp.GetRequiredService<CodeInterpreterOptions>()));
        services.TryAddSingleton(sp => Create(sp.GetRequiredService<CodeInterpreterTools>()));
        return services;
    }
}
