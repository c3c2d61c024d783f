using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>
/// The tool operations behind every skin (M.E.AI functions, SK plugin, MCP tools). Each returns JSON text a
/// model can read; bad arguments, unknown sessions and refusals come back as <c>{"error", "kind"}</c>
/// results rather than exceptions, so the model can correct itself.
/// </summary>
public sealed class CodeInterpreterTools(ICodeSandbox sandbox, CodeInterpreterOptions? options = null)
{
    private readonly CodeInterpreterOptions _options = options ?? new CodeInterpreterOptions();

    /// <summary>The sandbox the tools run on.</summary>
    public ICodeSandbox Sandbox => sandbox;

    /// <summary>The options in force.</summary>
    public CodeInterpreterOptions Options => _options;

    [Description(ToolDescriptions.ExecutePython)]
    public Task<string> ExecutePythonAsync(
        [Description(ToolDescriptions.CodeParameter)] string code,
        [Description(ToolDescriptions.SessionIdParameter)] string? sessionId = null,
        [Description(ToolDescriptions.StdinParameter)] string? stdin = null,
        [Description(ToolDescriptions.FuelParameter)] long? fuel = null,
        CancellationToken cancellationToken = default) =>
        ExecuteCodeAsync("python", code, sessionId, stdin, fuel, null, null, cancellationToken);

    [Description(ToolDescriptions.ExecuteJavaScript)]
    public Task<string> ExecuteJavaScriptAsync(
        [Description(ToolDescriptions.CodeParameter)] string code,
        [Description(ToolDescriptions.SessionIdParameter)] string? sessionId = null,
        [Description(ToolDescriptions.StdinParameter)] string? stdin = null,
        [Description(ToolDescriptions.FuelParameter)] long? fuel = null,
        CancellationToken cancellationToken = default) =>
        ExecuteCodeAsync("javascript", code, sessionId, stdin, fuel, null, null, cancellationToken);

    [Description(ToolDescriptions.ExecuteCode)]
    public async Task<string> ExecuteCodeAsync(
        [Description(ToolDescriptions.LanguageParameter)] string language,
        [Description(ToolDescriptions.CodeParameter)] string code,
        [Description(ToolDescriptions.SessionIdParameter)] string? sessionId = null,
        [Description(ToolDescriptions.StdinParameter)] string? stdin = null,
        [Description(ToolDescriptions.FuelParameter)] long? fuel = null,
        [Description(ToolDescriptions.TimeoutParameter)] int? timeoutMs = null,
        [Description(ToolDescriptions.MemoryParameter)] int? memoryMb = null,
        CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(language, code, sessionId, stdin, fuel, timeoutMs, memoryMb, cancellationToken).ConfigureAwait(false);
        return result.Json;
    }

    /// <summary>Runs code and returns both the structured result (null when refused or invalid) and the JSON for the model.</summary>
    public async Task<(ExecutionResult? Result, string Json)> RunAsync(
        string language, string code, string? sessionId, string? stdin, long? fuel, int? timeoutMs, int? memoryMb,
        CancellationToken cancellationToken)
    {
        if (!Languages.TryParse(language, out var lang))
            return (null, ModelResultFormatter.Error("invalid_argument", $"Unknown language '{language}'. Use 'python' or 'javascript'."));
        if (string.IsNullOrWhiteSpace(code))
            return (null, ModelResultFormatter.Error("invalid_argument", "The code is empty. Send the complete program to run."));
        string program = _options.SanitizeInput ? CodeSanitizer.Sanitize(code) : code;
        string? session = string.IsNullOrWhiteSpace(sessionId) ? null : sessionId.Trim();
        if (_options.ApprovalHandler is { } approve &&
            !await approve(new CodeApprovalRequest(lang.Name(), program, session)).ConfigureAwait(false))
        {
            return (null, ModelResultFormatter.Error("refused",
                "The host refused to run this code (approval denied). Do not retry the same code; explain what you wanted to do or take another approach."));
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
        try
        {
            var result = await sandbox.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
            return (result, ModelResultFormatter.Format(result, _options.MaxOutputCharsForModel));
        }
        catch (Exception ex) when (IsCallerError(ex))
        {
            return (null, ErrorFor(ex));
        }
    }

    [Description(ToolDescriptions.CreateSession)]
    public async Task<string> CreateSessionAsync(
        [Description(ToolDescriptions.SessionLanguageParameter)] string? language = null,
        CancellationToken cancellationToken = default)
    {
        Language? lang = null;
        if (!string.IsNullOrWhiteSpace(language))
        {
            if (!Languages.TryParse(language, out var parsed))
                return ModelResultFormatter.Error("invalid_argument", $"Unknown language '{language}'. Use 'python' or 'javascript', or omit it.");
            lang = parsed;
        }
        return await Guard(async () =>
        {
            var info = await sandbox.Sessions.CreateAsync(new SessionOptions { Language = lang }, cancellationToken).ConfigureAwait(false);
            return Json(new JsonObject { ["sessionId"] = info.Id, ["languages"] = ModelResultFormatter.Strings(info.Languages), ["workspace"] = "/app" });
        }).ConfigureAwait(false);
    }

    [Description(ToolDescriptions.DestroySession)]
    public Task<string> DestroySessionAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        CancellationToken cancellationToken = default) =>
        Guard(async () => await sandbox.Sessions.DestroyAsync(sessionId, cancellationToken).ConfigureAwait(false)
            ? Json(new JsonObject { ["destroyed"] = sessionId })
            : ModelResultFormatter.Error("not_found", $"Session '{sessionId}' does not exist."));

    [Description(ToolDescriptions.ResetSession)]
    public Task<string> ResetSessionAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.ClearFilesParameter)] bool clearFiles = false,
        CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            await sandbox.Sessions.ResetAsync(sessionId, clearFiles, cancellationToken).ConfigureAwait(false);
            return Json(new JsonObject { ["reset"] = sessionId, ["filesCleared"] = clearFiles });
        });

    [Description(ToolDescriptions.ListFiles)]
    public Task<string> ListFilesAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.FolderParameter)] string? folder = null,
        CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var files = await sandbox.Sessions.ListFilesAsync(sessionId, folder, cancellationToken).ConfigureAwait(false);
            return Json(new JsonObject
            {
                ["files"] = new JsonArray([.. files.Select(f => (JsonNode)new JsonObject
                {
                    ["path"] = f.Path, ["size"] = f.Size, ["modified"] = f.LastModified, ["isDirectory"] = f.IsDirectory,
                })]),
            });
        });

    [Description(ToolDescriptions.ReadFile)]
    public Task<string> ReadFileAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.PathParameter)] string path,
        CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            // Never more than the model can be shown: the head of a large file, however large it is on disk.
            int cap = _options.MaxOutputCharsForModel * 4 * 4;
            var file = await sandbox.Sessions.ReadFileAsync(sessionId, path, cap, cancellationToken).ConfigureAwait(false);
            string text;
            try
            {
                text = new UTF8Encoding(false, true).GetString(file.Truncated ? Utf8Head(file.Content) : file.Content.Span);
            }
            catch (DecoderFallbackException)
            {
                return ModelResultFormatter.Error("binary_file", $"'{path}' is a binary file ({file.Size:N0} bytes); read it with code instead.");
            }
            var result = new JsonObject { ["path"] = path, ["size"] = file.Size, ["content"] = ModelResultFormatter.HeadTail(text, _options.MaxOutputCharsForModel * 4) };
            if (file.Truncated) result["note"] = $"Only the first {file.Content.Length:N0} of {file.Size:N0} bytes were read; read the rest with code.";
            return Json(result);
        });

    [Description(ToolDescriptions.WriteFile)]
    public Task<string> WriteFileAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.PathParameter)] string path,
        [Description(ToolDescriptions.ContentParameter)] string content,
        CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var file = await sandbox.Sessions.WriteFileAsync(sessionId, path, Encoding.UTF8.GetBytes(content ?? ""), cancellationToken).ConfigureAwait(false);
            return Json(new JsonObject { ["written"] = file.Path, ["size"] = file.Size, ["guestPath"] = "/app/" + file.Path });
        });

    [Description(ToolDescriptions.WorkspaceInfo)]
    public Task<string> GetWorkspaceInfoAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        CancellationToken cancellationToken = default) =>
        Guard(async () => SandboxJson.Serialize(await sandbox.Sessions.GetWorkspaceInfoAsync(sessionId, cancellationToken).ConfigureAwait(false)));

    [Description(ToolDescriptions.InstallPackage)]
    public Task<string> InstallPackageAsync(
        [Description(ToolDescriptions.RequiredSessionIdParameter)] string sessionId,
        [Description(ToolDescriptions.PackageParameter)] string package,
        CancellationToken cancellationToken = default) =>
        Guard(async () =>
        {
            var installed = await sandbox.Sessions.InstallPackageAsync(sessionId, package, cancellationToken).ConfigureAwait(false);
            return Json(new JsonObject { ["installed"] = ModelResultFormatter.Strings(installed), ["note"] = "Import it in execute_python with the same session_id." });
        });

    [Description(ToolDescriptions.ListRuntimes)]
    public string ListRuntimes() => SandboxJson.Serialize(sandbox.Describe());

    /// <summary>A cut read without the incomplete UTF-8 sequence it may end in.</summary>
    private static ReadOnlySpan<byte> Utf8Head(ReadOnlyMemory<byte> content)
    {
        var span = content.Span;
        int end = span.Length;
        for (int back = 1; back <= 3 && end - back >= 0; back++)
        {
            byte b = span[end - back];
            if ((b & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead
            int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return need > back ? span[..(end - back)] : span;
        }
        return span;
    }

    private static string Json(JsonObject value) => value.ToJsonString(SandboxJson.Options);

    private static async Task<string> Guard(Func<Task<string>> work)
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

    private static string ErrorFor(Exception ex) => ex switch
    {
        SessionNotFoundException => ModelResultFormatter.Error("session_not_found", ex.Message + " Call create_session and use the id it returns."),
        FileNotFoundException or DirectoryNotFoundException => ModelResultFormatter.Error("not_found", ex.Message),
        WorkspaceQuotaExceededException => ModelResultFormatter.Error("quota_exceeded", ex.Message),
        SessionLimitExceededException => ModelResultFormatter.Error("too_many_sessions", ex.Message),
        SessionInUseException => ModelResultFormatter.Error("session_busy", ex.Message),
        _ => ModelResultFormatter.Error("invalid_argument", ex.Message),
    };

    /// <summary>Parses a tool's JSON result (handy for tests and loops).</summary>
    public static JsonNode? Parse(string json) => JsonNode.Parse(json);
}
