using System.ComponentModel;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SkWasmPlugin.Sandbox;
using SkWasmPlugin.AI.Rendering;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.AI;

/// <summary>
/// The tool operations behind every skin (M.E.AI functions, SK plugin, MCP tools), as typed results. Bad arguments,
/// unknown sessions and refusals come back as <see cref="SandboxToolResult.Error"/> results rather than exceptions,
/// mapped here once, so the model can correct itself. <see cref="WasmSandboxTools"/> makes the tools from these methods.
/// </summary>
public sealed class CodeInterpreterTools(ICodeSandbox sandbox, CodeInterpreterOptions? options = null)
{
    private readonly CodeInterpreterOptions _options = options ?? new CodeInterpreterOptions();

    /// <summary>The sandbox the tools run on.</summary>
    public ICodeSandbox Sandbox => sandbox;

    /// <summary>The options in force.</summary>
    public CodeInterpreterOptions Options => _options;

    /// <summary>execute_python.</summary>
    public Task<SandboxToolResult> ExecutePythonAsync(
        [Description(ToolDescriptions.CodeParameter)] string code,
        [Description(ToolDescriptions.SessionIdParameter)] string? sessionId = null,
        [Description(ToolDescriptions.StdinParameter)] string? stdin = null,
        [Description(ToolDescriptions.FuelParameter)] long? fuel = null,
        AIFunctionArguments? invocation = null,
        CancellationToken cancellationToken = default) =>
        ExecuteCodeAsync("python", code, sessionId, stdin, fuel, null, null, invocation, cancellationToken);

    /// <summary>execute_javascript.</summary>
    public Task<SandboxToolResult> ExecuteJavaScriptAsync(
        [Description(ToolDescriptions.CodeParameter)] string code,
        [Description(ToolDescriptions.SessionIdParameter)] string? sessionId = null,
        [Description(ToolDescriptions.StdinParameter)] string? stdin = null,
        [Description(ToolDescriptions.FuelParameter)] long? fuel = null,
        AIFunctionArguments? invocation = null,
        CancellationToken cancellationToken = default) =>
        ExecuteCodeAsync("javascript", code, sessionId, stdin, fuel, null, null, invocation, cancellationToken);

    /// <summary>execute_code: runs code and returns the result for the model, with the <see cref="ExecutionResult"/> behind it.</summary>
    public async Task<SandboxToolResult> ExecuteCodeAsync(
        [Description(ToolDescriptions.LanguageParameter)] string language,
        [Description(ToolDescriptions.CodeParameter)] string code,
        [Description(ToolDescriptions.SessionIdParameter)] string? sessionId = null,
        [Description(ToolDescriptions.StdinParameter)] string? stdin = null,
        [Description(ToolDescriptions.FuelParameter)] long? fuel = null,
        [Description(ToolDescriptions.TimeoutParameter)] int? timeoutMs = null,
        [Description(ToolDescriptions.MemoryParameter)] int? memoryMb = null,
        AIFunctionArguments? invocation = null,
        CancellationToken cancellationToken = default)
    {
        if (!Languages.TryParse(language, out var lang))
            return SandboxToolResult.Error("invalid_argument", $"Unknown language '{language}'. Use 'python' or 'javascript'.");
        if (string.IsNullOrWhiteSpace(code))
            return SandboxToolResult.Error("invalid_argument", "The code is empty. Send the complete program to run.");
        string program = _options.SanitizeInput ? CodeSanitizer.Sanitize(code) : code;
        string? session = string.IsNullOrWhiteSpace(sessionId) ? null : sessionId.Trim();
        if (_options.ApprovalHandler is { } approve &&
            !await approve(new CodeApprovalRequest(lang.Name(), program, session)).ConfigureAwait(false))
        {
            return SandboxToolResult.Error("refused",
                "The host refused to run this code (approval denied). Do not retry the same code; explain what you wanted to do or take another approach.");
        }
        var request = new ExecutionRequest(lang, program)
        {
            SessionId = session,
            Stdin = stdin,
            Limits = fuel is null && timeoutMs is null && memoryMb is null ? null : new ExecutionLimits
            {
                Fuel = fuel,
                Timeout = timeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                MemoryBytes = memoryMb is { } mb ? mb * 1024L * 1024 : null,
            },
        };
        return await Guard(async () =>
        {
            var result = ToolOutput.ObserverOf(invocation) is { } observe
                ? await RunStreamedAsync(request, observe, cancellationToken).ConfigureAwait(false)
                : await sandbox.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
            var json = ModelResultFormatter.ToJson(result, _options.MaxOutputCharsForModel);
            var images = _options.ReturnImages ? RunImages.Collect(result, _options.Images, json) : [];
            return SandboxToolResult.Success(json, result, images);
        }).ConfigureAwait(false);
    }

    /// <summary>create_session.</summary>
    public async Task<SandboxToolResult> CreateSessionAsync(
        [Description(ToolDescriptions.SessionLanguageParameter)] string? language = null,
        CancellationToken cancellationToken = default)
    {
        Language? lang = null;
        if (!string.IsNullOrWhiteSpace(language))
        {
            if (!Languages.TryParse(language, out var parsed))
                return SandboxToolResult.Error("invalid_argument", $"Unknown language '{language}'. Use 'python' or 'javascript', or omit it.");
            lang = parsed;
        }
        return await Guard(async () =>
        {
            var info = await sandbox.Sessions.CreateAsync(new SessionOptions { Language = lang }, cancellationToken).ConfigureAwait(false);
            return SandboxToolResult.Success(new JsonObject
            {
                ["sessionId"] = info.Id, ["languages"] = ModelResultFormatter.Strings(info.Languages), ["workspace"] = "/app",
            });
        }).ConfigureAwait(false);
    }

    /// <summary>destroy_session.</summary>
    public Task<SandboxToolResult> DestroySessionAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        CancellationToken cancellationToken = default) =>
        Guard(async () => await sandbox.Sessions.DestroyAsync(sessionId, cancellationToken).ConfigureAwait(false)
            ? SandboxToolResult.Success(new JsonObject { ["destroyed"] = sessionId })
            : SandboxToolResult.Error("session_not_found", $"Session '{sessionId}' does not exist."));

    /// <summary>reset_session.</summary>
    public Task<SandboxToolResult> ResetSessionAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.ClearFilesParameter)] bool clearFiles = false,
        CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            await sandbox.Sessions.ResetAsync(sessionId, clearFiles, cancellationToken).ConfigureAwait(false);
            return SandboxToolResult.Success(new JsonObject { ["reset"] = sessionId, ["filesCleared"] = clearFiles });
        });

    /// <summary>list_files.</summary>
    public Task<SandboxToolResult> ListFilesAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.FolderParameter)] string? folder = null,
        CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var files = await sandbox.Sessions.ListFilesAsync(sessionId, folder, cancellationToken).ConfigureAwait(false);
            return SandboxToolResult.Success(new JsonObject
            {
                ["files"] = new JsonArray([.. files.Select(f => (JsonNode)new JsonObject
                {
                    ["path"] = f.Path, ["size"] = f.Size, ["modified"] = f.LastModified, ["isDirectory"] = f.IsDirectory,
                })]),
            });
        });

    /// <summary>read_file: text as text (the head of a large file), anything else as base64 with its media type.</summary>
    public Task<SandboxToolResult> ReadFileAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.PathParameter)] string path,
        CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            // Never more than a model can be given: the head of a large text file, a binary file whole or not at all.
            int textCap = _options.MaxOutputCharsForModel * 4 * 4;
            int cap = Math.Max(textCap, _options.MaxFileTransferBytes);
            var file = await sandbox.Sessions.ReadFileAsync(sessionId, path, cap, cancellationToken).ConfigureAwait(false);
            if (FileTransfer.IsText(file.Content, file.Truncated))
            {
                bool cut = file.Truncated || file.Content.Length > textCap;
                // Only what is shown is decoded: the head of a large file.
                FileTransfer.TryDecodeText(cut ? file.Content[..Math.Min(file.Content.Length, textCap)] : file.Content, cut, out string? text);
                var result = new JsonObject
                {
                    ["path"] = path, ["size"] = file.Size, ["encoding"] = "text",
                    ["content"] = ModelResultFormatter.HeadTail(text!, _options.MaxOutputCharsForModel * 4),
                };
                if (cut) result["note"] = $"Only the first {Math.Min(file.Content.Length, textCap):N0} of {file.Size:N0} bytes were read; read the rest with code.";
                return SandboxToolResult.Success(result);
            }
            if (file.Truncated || file.Size > _options.MaxFileTransferBytes)
            {
                return SandboxToolResult.Error("file_too_large",
                    $"'{path}' is a binary file of {file.Size:N0} bytes, more than the {_options.MaxFileTransferBytes:N0} bytes a tool call can carry; process it with code instead.");
            }
            return SandboxToolResult.Success(new JsonObject
            {
                ["path"] = path, ["size"] = file.Size, ["encoding"] = "base64",
                ["mediaType"] = MediaTypes.Of(path, file.Content.Span[..Math.Min(file.Content.Length, MediaTypes.SniffBytes)]),
                ["content"] = Convert.ToBase64String(file.Content.Span),
            });
        });

    /// <summary>write_file: text, or bytes given as base64.</summary>
    public Task<SandboxToolResult> WriteFileAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.PathParameter)] string path,
        [Description(ToolDescriptions.ContentParameter)] string content,
        [Description(ToolDescriptions.EncodingParameter)] string? encoding = null,
        CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            if (!FileTransfer.TryDecodeContent(content ?? "", encoding, out byte[]? bytes, out string? problem))
                return SandboxToolResult.Error("invalid_argument", problem!);
            if (bytes!.Length > _options.MaxFileTransferBytes)
            {
                return SandboxToolResult.Error("file_too_large",
                    $"The content is {bytes.Length:N0} bytes, more than the {_options.MaxFileTransferBytes:N0} bytes a tool call can carry; write it in parts with code (open(path, 'ab')).");
            }
            var file = await sandbox.Sessions.WriteFileAsync(sessionId, path, bytes, cancellationToken).ConfigureAwait(false);
            return SandboxToolResult.Success(new JsonObject { ["written"] = file.Path, ["size"] = file.Size, ["guestPath"] = "/app/" + file.Path });
        });

    /// <summary>get_workspace_info.</summary>
    public Task<SandboxToolResult> GetWorkspaceInfoAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        CancellationToken cancellationToken = default) =>
        Guard(async () => SandboxToolResult.Success(
            JsonNode.Parse(SandboxJson.Serialize(await sandbox.Sessions.GetWorkspaceInfoAsync(sessionId, cancellationToken).ConfigureAwait(false)))!.AsObject()));

    /// <summary>install_package.</summary>
    public Task<SandboxToolResult> InstallPackageAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.PackageParameter)] string package,
        CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var installed = await sandbox.Sessions.InstallPackageAsync(sessionId, package, cancellationToken).ConfigureAwait(false);
            return SandboxToolResult.Success(new JsonObject
            {
                ["installed"] = ModelResultFormatter.Strings(installed), ["note"] = "Import it in execute_python with the same sessionId.",
            });
        });

    /// <summary>list_runtimes.</summary>
    public SandboxToolResult ListRuntimes() =>
        SandboxToolResult.Success(JsonNode.Parse(SandboxJson.Serialize(sandbox.Describe()))!.AsObject());

    private async Task<ExecutionResult> RunStreamedAsync(ExecutionRequest request, Func<OutputChunk, CancellationToken, ValueTask> observe, CancellationToken cancellationToken)
    {
        await foreach (var e in sandbox.ExecuteStreamingAsync(request, cancellationToken).ConfigureAwait(false))
        {
            switch (e)
            {
                case OutputChunk chunk:
                    await observe(chunk, cancellationToken).ConfigureAwait(false);
                    break;
                case ExecutionCompleted completed:
                    return completed.Result;
            }
        }
        throw new InvalidOperationException("The streamed execution ended without a result.");
    }

    private static async Task<SandboxToolResult> Guard(Func<Task<SandboxToolResult>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCallerError(ex))
        {
            return ErrorFor(ex);
        }
    }

    private static bool IsCallerError(Exception ex) =>
        ex is ArgumentException or KeyNotFoundException or FileNotFoundException or DirectoryNotFoundException or WorkspaceQuotaExceededException
            or SessionLimitExceededException or SessionInUseException;

    /// <summary>Every caller error, mapped once to the kind a model (and an MCP client) sees.</summary>
    private static SandboxToolResult ErrorFor(Exception ex)
    {
        string message = ModelText.Message(ex);
        return ex switch
        {
            SessionNotFoundException => SandboxToolResult.Error("session_not_found", message + " Call create_session and use the id it returns."),
            FileNotFoundException or DirectoryNotFoundException => SandboxToolResult.Error("not_found", message),
            WorkspaceQuotaExceededException => SandboxToolResult.Error("quota_exceeded", message),
            SessionLimitExceededException => SandboxToolResult.Error("too_many_sessions", message),
            SessionInUseException => SandboxToolResult.Error("session_busy", message),
            _ => SandboxToolResult.Error("invalid_argument", message),
        };
    }
}
