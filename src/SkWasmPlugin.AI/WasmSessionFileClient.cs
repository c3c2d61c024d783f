using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SkWasmPlugin.Sandbox;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.AI;

/// <summary>
/// Session files as an <see cref="IHostedFileClient"/>: the scope (<see cref="HostedFileClientOptions.Scope"/>,
/// <see cref="HostedFileContent.Scope"/>) is the sandbox session id, as a container id is for a provider's code
/// interpreter, and a file id is the path relative to <c>/app</c>. What <see cref="WasmCodeInterpreterChatClient"/>
/// reports as <see cref="HostedFileContent"/> downloads from here.
/// </summary>
// IHostedFileClient is an M.E.AI evaluation API (MEAI001): so is this type, for the same reason.
[Experimental("MEAI001")]
public sealed class WasmSessionFileClient(ICodeSandbox sandbox) : IHostedFileClient
{
    private static readonly HostedFileClientMetadata Metadata = new("skwasm", null);

    /// <inheritdoc />
    public async Task<HostedFileContent> UploadAsync(Stream content, string? mediaType = null, string? fileName = null,
        HostedFileClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        string session = ScopeOf(options);
        if (string.IsNullOrWhiteSpace(fileName)) throw new ArgumentException("A file name (the path under /app) is needed to upload into a session.", nameof(fileName));
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var file = await sandbox.Sessions.WriteFileAsync(session, fileName, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
        return Describe(session, file.Path, file.Size, mediaType);
    }

    /// <inheritdoc />
    public async Task<HostedFileDownloadStream> DownloadAsync(string fileId, HostedFileClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileId);
        string session = ScopeOf(options);
        byte[] bytes = await sandbox.Sessions.ReadFileAsync(session, fileId, cancellationToken).ConfigureAwait(false);
        return new SessionFileDownloadStream(bytes, Path.GetFileName(fileId), MediaTypes.Of(fileId, bytes.AsSpan(0, Math.Min(bytes.Length, MediaTypes.SniffBytes))));
    }

    /// <inheritdoc />
    public async Task<HostedFileContent?> GetFileInfoAsync(string fileId, HostedFileClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileId);
        string session = ScopeOf(options);
        string folder = Path.GetDirectoryName(fileId)?.Replace('\\', '/') ?? "";
        var files = await sandbox.Sessions.ListFilesAsync(session, folder.Length == 0 ? null : folder, cancellationToken).ConfigureAwait(false);
        var file = files.FirstOrDefault(f => !f.IsDirectory && f.Path == fileId.TrimStart('/'));
        return file is null ? null : Describe(session, file.Path, file.Size, null, file.LastModified);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<HostedFileContent> ListFilesAsync(HostedFileClientOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string session = ScopeOf(options);
        int left = options?.Limit ?? int.MaxValue;
        foreach (var file in await sandbox.Sessions.ListFilesAsync(session, null, cancellationToken).ConfigureAwait(false))
        {
            if (file.IsDirectory) continue;
            if (left-- <= 0) yield break;
            yield return Describe(session, file.Path, file.Size, null, file.LastModified);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string fileId, HostedFileClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileId);
        return sandbox.Sessions.DeleteFileAsync(ScopeOf(options), fileId, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(HostedFileClientMetadata) ? Metadata
            : serviceType == typeof(ICodeSandbox) ? sandbox
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>The hosted-file form of a session file.</summary>
    internal static HostedFileContent Describe(string sessionId, string path, long size, string? mediaType, DateTimeOffset? created = null) =>
        new(path)
        {
            Scope = sessionId,
            Name = Path.GetFileName(path),
            MediaType = mediaType ?? MediaTypes.Of(path, []),
            SizeInBytes = size,
            CreatedAt = created,
        };

    private static string ScopeOf(HostedFileClientOptions? options) =>
        options?.Scope is { Length: > 0 } scope
            ? scope
            : throw new ArgumentException("Set HostedFileClientOptions.Scope to the sandbox session id (HostedFileContent.Scope of a file the code interpreter made).", nameof(options));
}
