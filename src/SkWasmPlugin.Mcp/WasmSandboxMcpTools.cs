using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SkWasmPlugin.AI;

namespace SkWasmPlugin.Mcp;

/// <summary>
/// The code interpreter as MCP tools. Each tool is a thin call into <see cref="CodeInterpreterTools"/>; names and
/// descriptions come from <see cref="ToolDescriptions"/>. Results are the tools' JSON, both as text and as structured
/// content; <c>{"error", "kind"}</c> results are marked <see cref="CallToolResult.IsError"/>. Where the transport
/// identifies clients (HTTP), a client can only use the sandbox sessions it created.
/// </summary>
[McpServerToolType]
public sealed class WasmSandboxMcpTools(CodeInterpreterTools tools, McpClientIsolation isolation)
{
    [McpServerTool(Name = ToolDescriptions.ExecuteCodeName, OpenWorld = false), Description(ToolDescriptions.ExecuteCode)]
    public async Task<CallToolResult> ExecuteCodeAsync(
        McpServer server,
        [Description(ToolDescriptions.LanguageParameter)] string language,
        [Description(ToolDescriptions.CodeParameter)] string code,
        [Description(ToolDescriptions.SessionIdParameter)] string? session_id = null,
        [Description(ToolDescriptions.StdinParameter)] string? stdin = null,
        [Description(ToolDescriptions.FuelParameter)] long? fuel = null,
        [Description(ToolDescriptions.TimeoutParameter)] int? timeout_ms = null,
        [Description(ToolDescriptions.MemoryParameter)] int? memory_mb = null,
        CancellationToken cancellationToken = default)
    {
        string client = isolation.ClientOf(server);
        string? session = string.IsNullOrWhiteSpace(session_id) ? null : session_id.Trim();
        if (session is not null && !isolation.MayUse(client, session)) return SessionNotFound(session);
        using var lease = isolation.TryStartExecution(client);
        if (lease is null)
        {
            return ToResult(ModelResultFormatter.Error("too_many_requests",
                $"too many concurrent executions: this client already has {isolation.MaxConcurrentExecutions} running. Wait for them to finish, then retry."));
        }
        return ToResult(await tools.ExecuteCodeAsync(language, code, session, stdin, fuel, timeout_ms, memory_mb, cancellationToken).ConfigureAwait(false));
    }

    [McpServerTool(Name = ToolDescriptions.ListRuntimesName, ReadOnly = true, Idempotent = true, OpenWorld = false), Description(ToolDescriptions.ListRuntimes)]
    public CallToolResult ListRuntimes() => ToResult(tools.ListRuntimes());

    [McpServerTool(Name = ToolDescriptions.CreateSessionName, Destructive = false, OpenWorld = false), Description(ToolDescriptions.CreateSession)]
    public async Task<CallToolResult> CreateSessionAsync(
        McpServer server,
        [Description(ToolDescriptions.SessionLanguageParameter)] string? language = null,
        CancellationToken cancellationToken = default)
    {
        string client = isolation.ClientOf(server);
        if (!isolation.TryReserveSession(client))
        {
            return ToResult(ModelResultFormatter.Error("too_many_sessions",
                "This client has too many sessions open. Destroy one with destroy_session, or reuse an existing session_id."));
        }
        string? id = null;
        try
        {
            string json = await tools.CreateSessionAsync(language, cancellationToken).ConfigureAwait(false);
            if (JsonNode.Parse(json) is JsonObject o && o["sessionId"]?.GetValue<string>() is { } created) id = created;
            return ToResult(json);
        }
        finally
        {
            if (id is null) isolation.CancelCreate(client);
            else isolation.Own(client, id);
        }
    }

    [McpServerTool(Name = ToolDescriptions.DestroySessionName, Destructive = true, Idempotent = true, OpenWorld = false), Description(ToolDescriptions.DestroySession)]
    public async Task<CallToolResult> DestroySessionAsync(
        McpServer server,
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string session_id,
        CancellationToken cancellationToken = default)
    {
        string client = isolation.ClientOf(server);
        if (!isolation.MayUse(client, session_id)) return SessionNotFound(session_id);
        var result = ToResult(await tools.DestroySessionAsync(session_id, cancellationToken).ConfigureAwait(false));
        if (result.IsError != true) isolation.Release(client, session_id);
        return result;
    }

    [McpServerTool(Name = ToolDescriptions.ListFilesName, ReadOnly = true, OpenWorld = false), Description(ToolDescriptions.ListFiles)]
    public Task<CallToolResult> ListFilesAsync(
        McpServer server,
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string session_id,
        [Description(ToolDescriptions.FolderParameter)] string? folder = null,
        CancellationToken cancellationToken = default) =>
        InSession(server, session_id, () => tools.ListFilesAsync(session_id, folder, cancellationToken));

    [McpServerTool(Name = ToolDescriptions.ReadFileName, ReadOnly = true, OpenWorld = false), Description(ToolDescriptions.ReadFile)]
    public Task<CallToolResult> ReadFileAsync(
        McpServer server,
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string session_id,
        [Description(ToolDescriptions.PathParameter)] string path,
        CancellationToken cancellationToken = default) =>
        InSession(server, session_id, () => tools.ReadFileAsync(session_id, path, cancellationToken));

    [McpServerTool(Name = ToolDescriptions.WriteFileName, Destructive = true, Idempotent = true, OpenWorld = false), Description(ToolDescriptions.WriteFile)]
    public Task<CallToolResult> WriteFileAsync(
        McpServer server,
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string session_id,
        [Description(ToolDescriptions.PathParameter)] string path,
        [Description(ToolDescriptions.ContentParameter)] string content,
        CancellationToken cancellationToken = default) =>
        InSession(server, session_id, () => tools.WriteFileAsync(session_id, path, content, cancellationToken));

    [McpServerTool(Name = ToolDescriptions.InstallPackageName, Destructive = false, Idempotent = true, OpenWorld = false), Description(ToolDescriptions.InstallPackage)]
    public Task<CallToolResult> InstallPackageAsync(
        McpServer server,
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string session_id,
        [Description(ToolDescriptions.PackageParameter)] string package,
        CancellationToken cancellationToken = default) =>
        InSession(server, session_id, () => tools.InstallPackageAsync(session_id, package, cancellationToken));

    [McpServerTool(Name = ToolDescriptions.WorkspaceInfoName, ReadOnly = true, OpenWorld = false), Description(ToolDescriptions.WorkspaceInfo)]
    public Task<CallToolResult> GetWorkspaceInfoAsync(
        McpServer server,
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string session_id,
        CancellationToken cancellationToken = default) =>
        InSession(server, session_id, () => tools.GetWorkspaceInfoAsync(session_id, cancellationToken));

    [McpServerTool(Name = ToolDescriptions.ResetWorkspaceName, Destructive = true, Idempotent = true, OpenWorld = false), Description(ToolDescriptions.ResetSession)]
    public Task<CallToolResult> ResetWorkspaceAsync(
        McpServer server,
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string session_id,
        [Description(ToolDescriptions.ClearFilesParameter)] bool clear_files = false,
        CancellationToken cancellationToken = default) =>
        InSession(server, session_id, () => tools.ResetSessionAsync(session_id, clear_files, cancellationToken));

    /// <summary>The tool's JSON as text and as structured content; <c>{"error"}</c> results are tool errors.</summary>
    public static CallToolResult ToResult(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement? structured = null;
        bool isError = false;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                structured = doc.RootElement.Clone();
                isError = doc.RootElement.TryGetProperty("error", out _);
            }
        }
        catch (JsonException)
        {
            // Not JSON: text only.
        }
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = json }],
            StructuredContent = structured,
            IsError = isError,
        };
    }

    private async Task<CallToolResult> InSession(McpServer server, string sessionId, Func<Task<string>> work)
    {
        if (!isolation.MayUse(isolation.ClientOf(server), sessionId)) return SessionNotFound(sessionId);
        return ToResult(await work().ConfigureAwait(false));
    }

    private static CallToolResult SessionNotFound(string sessionId) =>
        ToResult(ModelResultFormatter.Error("session_not_found",
            $"session not found: '{sessionId}' does not exist or belongs to another client. Call create_session and use the id it returns."));
}
