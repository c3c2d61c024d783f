using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>
/// Serves <see cref="HostedCodeInterpreterTool"/> locally: when a request's tools hold one, it is replaced by the
/// sandbox's execute tools bound to a session of the conversation (<see cref="ChatOptions.ConversationId"/>, else one
/// for the response), the tool's <see cref="HostedCodeInterpreterTool.Inputs"/> files are put into <c>/app</c>, the calls
/// run here, and the response reports them as a provider's hosted code interpreter does:
/// <see cref="CodeInterpreterToolCallContent"/> (the code) and <see cref="CodeInterpreterToolResultContent"/> (output as
/// <see cref="TextContent"/>, images as <see cref="DataContent"/>, files as <see cref="HostedFileContent"/> whose scope is
/// the session, downloadable with <see cref="WasmSessionFileClient"/>). Requests without the hosted tool pass through.
/// </summary>
public sealed class WasmCodeInterpreterChatClient : DelegatingChatClient
{
    private static readonly string[] BoundTools = [ToolDescriptions.ExecutePythonName, ToolDescriptions.ExecuteJavaScriptName];
    private readonly ICodeSandbox _sandbox;
    private readonly WasmSandboxToolSet _tools;
    private readonly FunctionInvokingChatClient _invoker;
    private readonly ConcurrentDictionary<string, string> _sessionsByConversation = new(StringComparer.Ordinal);

    /// <summary>Serves the hosted code interpreter for <paramref name="innerClient"/> with <paramref name="sandbox"/>.</summary>
    public WasmCodeInterpreterChatClient(IChatClient innerClient, ICodeSandbox sandbox, CodeInterpreterOptions? options = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        _sandbox = sandbox;
        _tools = WasmSandboxTools.Create(sandbox, options);
        // The calls to our own tools never leave this client: the hosted tool's work is done here, like a provider's.
        _invoker = new FunctionInvokingChatClient(innerClient);
    }

    /// <summary>The number of conversations that have a session.</summary>
    public int ConversationCount => _sessionsByConversation.Count;

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (HostedTool(options) is not { } hosted) return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var (session, own) = await SessionForAsync(options!, hosted, cancellationToken).ConfigureAwait(false);
        bool keep = !own;
        try
        {
            var response = await _invoker.GetResponseAsync(messages, Bind(options!, hosted, session), cancellationToken).ConfigureAwait(false);
            foreach (var message in response.Messages) keep |= Report(message.Contents, session);
            return response;
        }
        finally
        {
            if (!keep) await _sandbox.Sessions.DestroyAsync(session, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (HostedTool(options) is not { } hosted)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false)) yield return update;
            yield break;
        }
        var (session, own) = await SessionForAsync(options!, hosted, cancellationToken).ConfigureAwait(false);
        bool keep = !own;
        try
        {
            await foreach (var update in _invoker.GetStreamingResponseAsync(messages, Bind(options!, hosted, session), cancellationToken).ConfigureAwait(false))
            {
                keep |= Report(update.Contents, session);
                yield return update;
            }
        }
        finally
        {
            if (!keep) await _sandbox.Sessions.DestroyAsync(session, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _invoker.Dispose();
        base.Dispose(disposing);
    }

    private static HostedCodeInterpreterTool? HostedTool(ChatOptions? options) =>
        options?.Tools?.OfType<HostedCodeInterpreterTool>().FirstOrDefault();

    private ChatOptions Bind(ChatOptions options, HostedCodeInterpreterTool hosted, string session)
    {
        var bound = options.Clone();
        bound.Tools = [.. options.Tools!.Where(t => !ReferenceEquals(t, hosted)), .. _tools.ForSession(session, BoundTools)];
        return bound;
    }

    /// <summary>The conversation's session (created on first use), or a session for this response alone (own = true).</summary>
    private async Task<(string Session, bool Own)> SessionForAsync(ChatOptions options, HostedCodeInterpreterTool hosted, CancellationToken cancellationToken)
    {
        string? conversation = options.ConversationId;
        if (conversation is not null && _sessionsByConversation.TryGetValue(conversation, out string? known)
            && await _sandbox.Sessions.GetAsync(known, cancellationToken).ConfigureAwait(false) is not null)
        {
            await UploadInputsAsync(known, hosted, cancellationToken).ConfigureAwait(false);
            return (known, false);
        }
        var info = await _sandbox.Sessions.CreateAsync(null, cancellationToken).ConfigureAwait(false);
        if (conversation is not null) _sessionsByConversation[conversation] = info.Id;
        await UploadInputsAsync(info.Id, hosted, cancellationToken).ConfigureAwait(false);
        return (info.Id, conversation is null);
    }

    private async Task UploadInputsAsync(string session, HostedCodeInterpreterTool hosted, CancellationToken cancellationToken)
    {
        int n = 0;
        foreach (var input in hosted.Inputs ?? [])
        {
            n++;
            switch (input)
            {
                case DataContent data:
                    await _sandbox.Sessions.WriteFileAsync(session, data.Name ?? $"input{n}{ExtensionOf(data.MediaType)}", data.Data, cancellationToken).ConfigureAwait(false);
                    break;
#pragma warning disable MEAI001 // HostedFileContent.Scope is an evaluation API; it is how hosted code interpreters name their container.
                case HostedFileContent { Scope: { Length: > 0 } scope } file when scope != session:
#pragma warning restore MEAI001
                    // A file another session made (e.g. an earlier conversation's output): copied in under its name.
                    byte[] bytes = await _sandbox.Sessions.ReadFileAsync(scope, file.FileId, cancellationToken).ConfigureAwait(false);
                    await _sandbox.Sessions.WriteFileAsync(session, file.Name ?? Path.GetFileName(file.FileId), bytes, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private static string ExtensionOf(string mediaType) => mediaType switch
    {
        "text/csv" => ".csv",
        "application/json" => ".json",
        "text/plain" => ".txt",
        "image/png" => ".png",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => ".xlsx",
        _ => ".bin",
    };

    /// <summary>Rewrites our tools' calls and results as code-interpreter contents; true when the run left files.</summary>
    private static bool Report(IList<AIContent> contents, string session)
    {
        bool files = false;
        for (int i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case FunctionCallContent call when BoundTools.Contains(call.Name):
                    string code = call.Arguments?.TryGetValue("code", out var c) == true ? TextOf(c) : "";
                    string media = call.Name == ToolDescriptions.ExecuteJavaScriptName ? "text/javascript" : "text/x-python";
                    contents[i] = new CodeInterpreterToolCallContent(call.CallId) { Inputs = [new DataContent(Encoding.UTF8.GetBytes(code), media)], RawRepresentation = call };
                    break;
                case FunctionResultContent result when result.RawRepresentation is not CodeInterpreterToolResultContent && IsOurs(result):
                    var outputs = OutputsOf(result, session, out bool made);
                    files |= made;
                    contents[i] = new CodeInterpreterToolResultContent(result.CallId) { Outputs = outputs, RawRepresentation = result };
                    break;
            }
        }
        return files;
    }

    private static bool IsOurs(FunctionResultContent result) =>
        result.Result is string or IEnumerable<AIContent> && JsonOf(result) is { } json && json.RootElement.TryGetProperty("outcome", out _);

    private static List<AIContent> OutputsOf(FunctionResultContent result, string session, out bool madeFiles)
    {
        madeFiles = false;
        List<AIContent> outputs = [];
        using var json = JsonOf(result)!;
        var root = json.RootElement;
        var text = new StringBuilder(root.TryGetProperty("stdout", out var stdout) ? stdout.GetString() : "");
        if (root.TryGetProperty("result", out var value)) text.Append(value.GetString()).Append('\n');
        if (root.TryGetProperty("stderr", out var stderr) && stderr.GetString() is { Length: > 0 } err) text.Append(err);
        outputs.Add(new TextContent(text.ToString()));
        if (result.Result is IEnumerable<AIContent> parts) outputs.AddRange(parts.OfType<DataContent>());
        if (root.TryGetProperty("files", out var files))
        {
            foreach (var file in files.EnumerateArray())
            {
                madeFiles = true;
                outputs.Add(FileOf(session, file));
            }
        }
        return outputs;
    }

#pragma warning disable MEAI001 // the session-file form of WasmSessionFileClient, an evaluation API: see UploadInputsAsync.
    private static HostedFileContent FileOf(string session, JsonElement file) =>
        WasmSessionFileClient.Describe(session, file.GetProperty("path").GetString()!, file.GetProperty("size").GetInt64(), file.GetProperty("mediaType").GetString());
#pragma warning restore MEAI001

    private static JsonDocument? JsonOf(FunctionResultContent result)
    {
        string? text = result.Result switch
        {
            string s => s,
            IEnumerable<AIContent> parts => parts.OfType<TextContent>().FirstOrDefault()?.Text,
            _ => null,
        };
        if (text is null || !text.StartsWith('{')) return null;
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string TextOf(object? value) => value switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? "",
        null => "",
        _ => value.ToString() ?? "",
    };
}
