using System.ComponentModel;
using Microsoft.SemanticKernel;
using SkWasmPlugin.AI;

namespace SkWasmPlugin.SemanticKernel;

/// <summary>
/// The code interpreter as a Semantic Kernel plugin. Each function is a thin call into
/// <see cref="CodeInterpreterTools"/>; names and descriptions come from <see cref="ToolDescriptions"/>.
/// </summary>
public sealed class WasmCodeInterpreterPlugin(CodeInterpreterTools tools)
{
    /// <summary>The default plugin name.</summary>
    public const string DefaultName = "CodeInterpreter";

    [KernelFunction(ToolDescriptions.ExecutePythonName), Description(ToolDescriptions.ExecutePython)]
    public Task<string> ExecutePythonAsync(
        [Description(ToolDescriptions.CodeParameter)] string code,
        [Description(ToolDescriptions.SessionIdParameter)] string? sessionId = null,
        [Description(ToolDescriptions.StdinParameter)] string? stdin = null,
        [Description(ToolDescriptions.FuelParameter)] long? fuel = null,
        CancellationToken cancellationToken = default) =>
        tools.ExecutePythonAsync(code, sessionId, stdin, fuel, cancellationToken);

    [KernelFunction(ToolDescriptions.ExecuteJavaScriptName), Description(ToolDescriptions.ExecuteJavaScript)]
    public Task<string> ExecuteJavaScriptAsync(
        [Description(ToolDescriptions.CodeParameter)] string code,
        [Description(ToolDescriptions.SessionIdParameter)] string? sessionId = null,
        [Description(ToolDescriptions.StdinParameter)] string? stdin = null,
        [Description(ToolDescriptions.FuelParameter)] long? fuel = null,
        CancellationToken cancellationToken = default) =>
        tools.ExecuteJavaScriptAsync(code, sessionId, stdin, fuel, cancellationToken);

    [KernelFunction(ToolDescriptions.CreateSessionName), Description(ToolDescriptions.CreateSession)]
    public Task<string> CreateSessionAsync(
        [Description(ToolDescriptions.SessionLanguageParameter)] string? language = null,
        CancellationToken cancellationToken = default) =>
        tools.CreateSessionAsync(language, cancellationToken);

    [KernelFunction(ToolDescriptions.ListFilesName), Description(ToolDescriptions.ListFiles)]
    public Task<string> ListFilesAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.FolderParameter)] string? folder = null,
        CancellationToken cancellationToken = default) =>
        tools.ListFilesAsync(sessionId, folder, cancellationToken);

    [KernelFunction(ToolDescriptions.ReadFileName), Description(ToolDescriptions.ReadFile)]
    public Task<string> ReadFileAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.PathParameter)] string path,
        CancellationToken cancellationToken = default) =>
        tools.ReadFileAsync(sessionId, path, cancellationToken);

    [KernelFunction(ToolDescriptions.WriteFileName), Description(ToolDescriptions.WriteFile)]
    public Task<string> WriteFileAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.PathParameter)] string path,
        [Description(ToolDescriptions.ContentParameter)] string content,
        CancellationToken cancellationToken = default) =>
        tools.WriteFileAsync(sessionId, path, content, cancellationToken);

    [KernelFunction(ToolDescriptions.WorkspaceInfoName), Description(ToolDescriptions.WorkspaceInfo)]
    public Task<string> GetWorkspaceInfoAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        CancellationToken cancellationToken = default) =>
        tools.GetWorkspaceInfoAsync(sessionId, cancellationToken);

    [KernelFunction(ToolDescriptions.ResetSessionName), Description(ToolDescriptions.ResetSession)]
    public Task<string> ResetSessionAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.ClearFilesParameter)] bool clearFiles = false,
        CancellationToken cancellationToken = default) =>
        tools.ResetSessionAsync(sessionId, clearFiles, cancellationToken);

    [KernelFunction(ToolDescriptions.InstallPackageName), Description(ToolDescriptions.InstallPackage)]
    public Task<string> InstallPackageAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.PackageParameter)] string package,
        CancellationToken cancellationToken = default) =>
        tools.InstallPackageAsync(sessionId, package, cancellationToken);
}
