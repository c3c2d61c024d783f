using System.Reflection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>The sandbox as Microsoft.Extensions.AI tools, for any <see cref="IChatClient"/> or Agent Framework agent.</summary>
public static class WasmSandboxTools
{
    /// <summary>All tools: execute_python, execute_javascript, create_session, list_files, read_file, write_file, get_workspace_info, reset_session, install_package, list_runtimes.</summary>
    public static IList<AIFunction> Create(ICodeSandbox sandbox, CodeInterpreterOptions? options = null) =>
        Create(new CodeInterpreterTools(sandbox, options));

    /// <summary>All tools over an existing <see cref="CodeInterpreterTools"/>.</summary>
    public static IList<AIFunction> Create(CodeInterpreterTools tools) =>
    [
        Function(tools, nameof(CodeInterpreterTools.ExecutePythonAsync), ToolDescriptions.ExecutePythonName, ToolDescriptions.ExecutePython),
        Function(tools, nameof(CodeInterpreterTools.ExecuteJavaScriptAsync), ToolDescriptions.ExecuteJavaScriptName, ToolDescriptions.ExecuteJavaScript),
        Function(tools, nameof(CodeInterpreterTools.CreateSessionAsync), ToolDescriptions.CreateSessionName, ToolDescriptions.CreateSession),
        Function(tools, nameof(CodeInterpreterTools.ListFilesAsync), ToolDescriptions.ListFilesName, ToolDescriptions.ListFiles),
        Function(tools, nameof(CodeInterpreterTools.ReadFileAsync), ToolDescriptions.ReadFileName, ToolDescriptions.ReadFile),
        Function(tools, nameof(CodeInterpreterTools.WriteFileAsync), ToolDescriptions.WriteFileName, ToolDescriptions.WriteFile),
        Function(tools, nameof(CodeInterpreterTools.GetWorkspaceInfoAsync), ToolDescriptions.WorkspaceInfoName, ToolDescriptions.WorkspaceInfo),
        Function(tools, nameof(CodeInterpreterTools.ResetSessionAsync), ToolDescriptions.ResetSessionName, ToolDescriptions.ResetSession),
        Function(tools, nameof(CodeInterpreterTools.InstallPackageAsync), ToolDescriptions.InstallPackageName, ToolDescriptions.InstallPackage),
        Function(tools, nameof(CodeInterpreterTools.ListRuntimes), ToolDescriptions.ListRuntimesName, ToolDescriptions.ListRuntimes),
    ];

    private static AIFunction Function(CodeInterpreterTools tools, string method, string name, string description) =>
        AIFunctionFactory.Create(
            typeof(CodeInterpreterTools).GetMethod(method, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new MissingMethodException(nameof(CodeInterpreterTools), method),
            tools,
            new AIFunctionFactoryOptions { Name = name, Description = description });

    /// <summary>Registers <see cref="CodeInterpreterTools"/> (over the registered <see cref="ICodeSandbox"/>) and the tools as a <see cref="WasmSandboxToolSet"/>.</summary>
    public static IServiceCollection AddWasmSandboxTools(this IServiceCollection services, Action<CodeInterpreterOptions>? configure = null)
    {
        var options = new CodeInterpreterOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new CodeInterpreterTools(sp.GetRequiredService<ICodeSandbox>(), sp.GetRequiredService<CodeInterpreterOptions>()));
        services.TryAddSingleton(sp => new WasmSandboxToolSet([.. Create(sp.GetRequiredService<CodeInterpreterTools>())]));
        return services;
    }
}
