using System.Text.Json;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SkWasmPlugin.AI;

namespace SkWasmPlugin.Mcp;

/// <summary>
/// One tool of the sandbox's tool set (<see cref="WasmSandboxTools"/>) as an MCP tool: the same name, description and
/// input schema; the typed result becomes a <see cref="CallToolResult"/> here (the JSON as text and structured content,
/// one <see cref="ImageContentBlock"/> per image, tool errors marked <see cref="CallToolResult.IsError"/>), and the
/// files a session run made become resource links. Where the transport identifies clients (HTTP), a client can only use
/// the sandbox sessions it created, within its principal's
/// limits on sessions and running executions.
/// </summary>
public sealed class SandboxMcpTool : McpServerTool
{
    private readonly SandboxTool _tool;
    private readonly McpClientIsolation _isolation;

    /// <summary>Adapts <paramref name="tool"/>, enforcing <paramref name="isolation"/>.</summary>
    public SandboxMcpTool(SandboxTool tool, McpClientIsolation isolation)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(isolation);
        _tool = tool;
        _isolation = isolation;
        ProtocolTool = new Tool
        {
            Name = tool.Name,
            Description = tool.Description,
            InputSchema = tool.JsonSchema,
            Annotations = new ToolAnnotations
            {
                ReadOnlyHint = tool.Hints.ReadOnly,
                DestructiveHint = tool.Hints.Destructive,
                IdempotentHint = tool.Hints.Idempotent,
                OpenWorldHint = false,
            },
        };
    }

    /// <inheritdoc />
    public override Tool ProtocolTool { get; }

    /// <inheritdoc />
    public override IReadOnlyList<object> Metadata => [];

    /// <inheritdoc />
    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var arguments = new AIFunctionArguments(request.Params?.Arguments?.ToDictionary(a => a.Key, a => (object?)a.Value) ?? [])
        {
            Services = request.Services,
        };
        string client = _isolation.ClientOf(request.Server);
        string? session = SessionIdOf(arguments);
        if (session is not null && !_isolation.MayUse(client, session)) return ToResult(SessionNotFound(session));

        if (_tool.Hints.RunsCode)
        {
            using var lease = _isolation.TryStartExecution(client);
            if (lease is null)
            {
                return ToResult(SandboxToolResult.Error("too_many_requests",
                    $"Too many concurrent executions: this client already has {_isolation.MaxConcurrentExecutions} running. Wait for them to finish, then retry."));
            }
            if (request.Params?.ProgressToken is { } token)
            {
                // The client asked for progress: the program's output goes out as it is written, one notification per
                // chunk, in order (the message is the text; progress counts the characters sent so far).
                long sent = 0;
                arguments.Observe(async (chunk, ct) =>
                {
                    sent += chunk.Text.Length;
                    await request.Server.NotifyProgressAsync(token, new ProgressNotificationValue
                    {
                        Progress = sent,
                        Message = chunk.Stream == Sandbox.OutputStream.Stderr ? "[stderr] " + chunk.Text : chunk.Text,
                    }, cancellationToken: ct).ConfigureAwait(false);
                });
            }
            return ToResult(await _tool.InvokeToolAsync(arguments, cancellationToken).ConfigureAwait(false));
        }
        if (_tool.Name == ToolDescriptions.CreateSessionName) return ToResult(await CreateSessionAsync(client, arguments, cancellationToken).ConfigureAwait(false));

        var result = await _tool.InvokeToolAsync(arguments, cancellationToken).ConfigureAwait(false);
        if (_tool.Name == ToolDescriptions.DestroySessionName && !result.IsError && session is not null) _isolation.Release(client, session);
        return ToResult(result);
    }

    private async Task<SandboxToolResult> CreateSessionAsync(string client, AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        if (!_isolation.TryReserveSession(client))
        {
            return SandboxToolResult.Error("too_many_sessions",
                "This client has too many sessions open. Destroy one with destroy_session, or reuse an existing sessionId.");
        }
        string? id = null;
        try
        {
            var result = await _tool.InvokeToolAsync(arguments, cancellationToken).ConfigureAwait(false);
            if (!result.IsError && result.Value.TryGetProperty(SandboxTool.SessionIdParameterName, out var created)) id = created.GetString();
            return result;
        }
        finally
        {
            if (id is null) _isolation.CancelCreate(client);
            else _isolation.Own(client, id);
        }
    }

    /// <summary>The MCP form of a tool's result.</summary>
    public static CallToolResult ToResult(SandboxToolResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        List<ContentBlock> content = [new TextContentBlock { Text = result.Json }];
        foreach (var image in result.Images) content.Add(ImageContentBlock.FromBytes(image.Data, image.MediaType));
        // The files a session run made stay in its workspace: a link each, readable as a resource (SessionFileResources).
        if (result.Execution is { SessionId: { } session } execution)
        {
            foreach (var file in execution.Files)
            {
                content.Add(new ResourceLinkBlock
                {
                    Uri = SessionFileResources.UriOf(session, file.Path), Name = file.Path, MimeType = file.MediaType, Size = file.Size,
                });
            }
        }
        return new CallToolResult { Content = content, StructuredContent = result.Value, IsError = result.IsError };
    }

    private static string? SessionIdOf(AIFunctionArguments arguments) =>
        arguments.TryGetValue(SandboxTool.SessionIdParameterName, out var value) && value is JsonElement { ValueKind: JsonValueKind.String } e
            && e.GetString() is { } id && !string.IsNullOrWhiteSpace(id)
            ? id.Trim()
            : null;

    private static SandboxToolResult SessionNotFound(string sessionId) =>
        SandboxToolResult.Error("session_not_found",
            $"Session '{sessionId}' does not exist or belongs to another client. Call create_session and use the id it returns.");
}
