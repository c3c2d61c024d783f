using System.Text;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SkWasmPlugin.AI;
using SkWasmPlugin.Sandbox;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Mcp;

/// <summary>
/// Session files as MCP resources, so any MCP client can list and read what a program wrote: a resource template per
/// session the client may use (<c>skwasm://sessions/{id}/files/{path}</c>), its files as resources, and reads that
/// return text or a base64 blob with its media type (at most <see cref="CodeInterpreterOptions.MaxFileTransferBytes"/>).
/// A client sees only its own sessions where the transport tells clients apart.
/// </summary>
public sealed class SessionFileResources(ICodeSandbox sandbox, McpClientIsolation isolation, CodeInterpreterOptions options)
{
    /// <summary>The URI scheme of session files.</summary>
    public const string Scheme = "skwasm";

    private const int MaxListed = 1000;

    /// <summary>The URI of a file of a session (path relative to /app).</summary>
    public static string UriOf(string sessionId, string path) =>
        $"{Scheme}://sessions/{Uri.EscapeDataString(sessionId)}/files/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";

    /// <summary>resources/templates/list: one template per visible session.</summary>
    public async ValueTask<ListResourceTemplatesResult> ListTemplatesAsync(RequestContext<ListResourceTemplatesRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sessions = await isolation.VisibleSessionsAsync(isolation.ClientOf(request.Server), sandbox.Sessions, cancellationToken).ConfigureAwait(false);
        return new ListResourceTemplatesResult
        {
            ResourceTemplates = [.. sessions.Select(id => new ResourceTemplate
            {
                UriTemplate = $"{Scheme}://sessions/{Uri.EscapeDataString(id)}/files/{{+path}}",
                Name = $"session {id} files",
                Description = $"A file in the /app workspace of sandbox session {id} (path relative to /app).",
            })],
        };
    }

    /// <summary>resources/list: the files of the visible sessions (at most 1,000).</summary>
    public async ValueTask<ListResourcesResult> ListAsync(RequestContext<ListResourcesRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<Resource> resources = [];
        foreach (string id in await isolation.VisibleSessionsAsync(isolation.ClientOf(request.Server), sandbox.Sessions, cancellationToken).ConfigureAwait(false))
        {
            IReadOnlyList<WorkspaceFile> files;
            try
            {
                files = await sandbox.Sessions.ListFilesAsync(id, null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SessionNotFoundException or SessionInUseException)
            {
                continue; // gone or held elsewhere since it was listed
            }
            foreach (var file in files.Where(f => !f.IsDirectory))
            {
                if (resources.Count == MaxListed) return new ListResourcesResult { Resources = resources };
                resources.Add(new Resource
                {
                    Uri = UriOf(id, file.Path),
                    Name = file.Path,
                    Description = $"/app/{file.Path} in session {id}",
                    MimeType = MediaTypes.Of(file.Path, []),
                    Size = file.Size,
                });
            }
        }
        return new ListResourcesResult { Resources = resources };
    }

    /// <summary>resources/read: a session file as text or as a base64 blob.</summary>
    public async ValueTask<ReadResourceResult> ReadAsync(RequestContext<ReadResourceRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string uri = request.Params?.Uri ?? throw new McpException("resources/read needs a uri.");
        if (!TryParse(uri, out string? sessionId, out string? path))
            throw new McpException($"'{uri}' is not a session file: use {Scheme}://sessions/{{sessionId}}/files/{{path}}.");
        if (!isolation.MayUse(isolation.ClientOf(request.Server), sessionId!))
            throw new McpException($"Session '{sessionId}' does not exist or belongs to another client.");
        WorkspaceFileContent file;
        try
        {
            file = await sandbox.Sessions.ReadFileAsync(sessionId!, path!, options.MaxFileTransferBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or DirectoryNotFoundException or SessionNotFoundException or SessionInUseException)
        {
            throw new McpException(ModelText.Message(ex));
        }
        if (file.Truncated)
            throw new McpException($"'{path}' has {file.Size:N0} bytes, more than the {options.MaxFileTransferBytes:N0} a read carries; process it with code.");
        var span = file.Content.Span;
        string mediaType = MediaTypes.Of(path!, span[..Math.Min(span.Length, MediaTypes.SniffBytes)]);
        ResourceContents contents = span.IndexOf((byte)0) < 0 && System.Text.Unicode.Utf8.IsValid(span)
            ? new TextResourceContents { Uri = uri, MimeType = mediaType, Text = Encoding.UTF8.GetString(span) }
            : BlobResourceContents.FromBytes(file.Content, uri, mediaType);
        return new ReadResourceResult { Contents = [contents] };
    }

    private static bool TryParse(string uri, out string? sessionId, out string? path)
    {
        sessionId = path = null;
        string prefix = Scheme + "://sessions/";
        if (!uri.StartsWith(prefix, StringComparison.Ordinal)) return false;
        string rest = uri[prefix.Length..];
        int files = rest.IndexOf("/files/", StringComparison.Ordinal);
        if (files <= 0) return false;
        sessionId = Uri.UnescapeDataString(rest[..files]);
        path = string.Join('/', rest[(files + "/files/".Length)..].Split('/').Select(Uri.UnescapeDataString));
        return path.Length > 0;
    }
}
