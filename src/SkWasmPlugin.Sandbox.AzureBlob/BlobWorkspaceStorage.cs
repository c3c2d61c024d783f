using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.DependencyInjection;

namespace SkWasmPlugin.Sandbox.AzureBlob;

/// <summary>
/// Sessions in an Azure Blob Storage container: <c>ID/session.json</c>, <c>ID/state/NAME</c> and
/// <c>ID/workspace/PATH</c>. The guest works on a local copy of the workspace (WASI needs a real folder),
/// filled from the container when a session is opened and pushed back after changes. A blob upload
/// replaces the old blob in one commit, so a reader sees the old or the new content, never a torn one.
/// </summary>
public sealed class BlobWorkspaceStorage : IWorkspaceStorage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly BlobContainerClient _container;
    private readonly string _cacheRoot;
    private readonly SemaphoreSlim _created = new(1, 1);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _syncLocks = new();
    private bool _containerReady;

    /// <summary>Uses <paramref name="container"/> (created when missing) and a local cache folder for open workspaces.</summary>
    public BlobWorkspaceStorage(BlobContainerClient container, string localCacheRoot)
    {
        _container = container ?? throw new ArgumentNullException(nameof(container));
        _cacheRoot = Path.GetFullPath(localCacheRoot ?? throw new ArgumentNullException(nameof(localCacheRoot)));
        Directory.CreateDirectory(_cacheRoot);
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady) return;
        await _created.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_containerReady)
            {
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                _containerReady = true;
            }
        }
        finally
        {
            _created.Release();
        }
    }

    private static string Prefix(string sessionId) => WorkspacePaths.ValidateSessionId(sessionId) + "/";

    /// <summary>How long a session lease lasts without renewal (a process that dies gives the session up after this).</summary>
    internal static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A lease on <c>.locks/ID</c> (outside the session's own blobs, which stay writable without the lease id),
    /// renewed in the background until disposed.
    /// </summary>
    public async Task<IAsyncDisposable?> TryLockSessionAsync(string sessionId, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlobClient(".locks/" + WorkspacePaths.ValidateSessionId(sessionId));
        try
        {
            await blob.UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Exists already (perhaps leased).
        }
        var lease = blob.GetBlobLeaseClient();
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                await lease.AcquireAsync(LeaseDuration, cancellationToken: cancellationToken).ConfigureAwait(false);
                var record = _container.GetBlobClient(Prefix(sessionId) + "session.json");
                return new BlobSessionLease(lease, LeaseDuration, async () =>
                {
                    // A destroyed session leaves no lock blob behind.
                    if (!await record.ExistsAsync().ConfigureAwait(false))
                        await blob.DeleteIfExistsAsync().ConfigureAwait(false);
                });
            }
            catch (RequestFailedException ex) when (ex.Status == 409 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                return null;
            }
        }
    }
    private string LocalWorkspace(string sessionId) => Path.Combine(_cacheRoot, WorkspacePaths.ValidateSessionId(sessionId), "workspace");

    /// <inheritdoc />
    public async Task<string> OpenWorkspaceAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        string local = LocalWorkspace(sessionId);
        Directory.CreateDirectory(local);
        string prefix = Prefix(sessionId) + "workspace/";
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            string relative = blob.Name[prefix.Length..];
            string target = WorkspacePaths.Resolve(local, relative); // a tampered blob name cannot escape the folder
            if (File.Exists(target) && new FileInfo(target).Length == blob.Properties.ContentLength
                && blob.Properties.ContentHash is { } hash && hash.AsSpan().SequenceEqual(Md5(target)))
                continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await _container.GetBlobClient(blob.Name).DownloadToAsync(target, cancellationToken).ConfigureAwait(false);
        }
        return local;
    }

    /// <inheritdoc />
    public async Task SyncWorkspaceAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var gate = _syncLocks.GetOrAdd(sessionId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string local = LocalWorkspace(sessionId);
            string prefix = Prefix(sessionId) + "workspace/";
            var remote = new Dictionary<string, BlobItemProperties>(StringComparer.Ordinal);
            await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
                remote[blob.Name[prefix.Length..]] = blob.Properties;
            var localFiles = Directory.Exists(local)
                ? new DirectoryInfo(local).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
                    .ToDictionary(f => WorkspacePaths.Relative(local, f.FullName), StringComparer.Ordinal)
                : [];
            foreach (var (relative, file) in localFiles)
            {
                if (remote.TryGetValue(relative, out var props) && props.ContentLength == file.Length
                    && props.ContentHash is { } hash && hash.AsSpan().SequenceEqual(Md5(file.FullName)))
                    continue;
                var client = _container.GetBlobClient(prefix + relative);
                await using var stream = file.OpenRead();
                await client.UploadAsync(stream, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentHash = Md5(file.FullName) } }, cancellationToken).ConfigureAwait(false);
            }
            foreach (string relative in remote.Keys.Where(r => !localFiles.ContainsKey(r)))
                await _container.DeleteBlobIfExistsAsync(prefix + relative, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private static byte[] Md5(string path)
    {
        using var stream = File.OpenRead(path);
#pragma warning disable CA5351 // MD5 is what Blob Storage uses for Content-MD5; it is a change check here, not security.
        return MD5.HashData(stream);
#pragma warning restore CA5351
    }

    /// <inheritdoc />
    public async Task SaveRecordAsync(SessionRecord record, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(record, Json);
        await _container.GetBlobClient(Prefix(record.Id) + "session.json").UploadAsync(new BinaryData(json), overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SessionRecord?> LoadRecordAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var content = await _container.GetBlobClient(Prefix(sessionId) + "session.json").DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<SessionRecord>(content.Value.Content.ToMemory().Span, Json);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The record of session '{sessionId}' in container '{_container.Name}' is corrupt: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListSessionIdsAsync(CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        await foreach (var item in _container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", null, cancellationToken).ConfigureAwait(false))
        {
            if (!item.IsPrefix) continue;
            string id = item.Prefix.TrimEnd('/');
            if (await _container.GetBlobClient(id + "/session.json").ExistsAsync(cancellationToken).ConfigureAwait(false)) ids.Add(id);
        }
        return ids;
    }

    /// <inheritdoc />
    public async Task SaveStateAsync(string sessionId, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        await _container.GetBlobClient(StateBlob(sessionId, name)).UploadAsync(new BinaryData(data), overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<byte[]?> LoadStateAsync(string sessionId, string name, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var content = await _container.GetBlobClient(StateBlob(sessionId, name)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task DeleteStateAsync(string sessionId, string name, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        await _container.DeleteBlobIfExistsAsync(StateBlob(sessionId, name), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, Prefix(sessionId), cancellationToken).ConfigureAwait(false))
            await _container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        string local = Path.Combine(_cacheRoot, sessionId);
        if (Directory.Exists(local)) Directory.Delete(local, recursive: true);
    }

    private static string StateBlob(string sessionId, string name)
    {
        if (name.Length == 0 || name.Contains('/') || name.Contains(".."))
            throw new ArgumentException($"Invalid state name '{name}'.", nameof(name));
        return Prefix(sessionId) + "state/" + name;
    }
}

/// <summary>DI: <c>services.AddWasmSandboxBlobStorage(connectionString, "sessions")</c> before <c>AddWasmSandbox()</c>.</summary>
public static class BlobStorageServiceCollectionExtensions
{
    /// <summary>Keeps sessions in the named container; workspaces are cached under <paramref name="localCacheRoot"/> (default: a temp folder).</summary>
    public static IServiceCollection AddWasmSandboxBlobStorage(this IServiceCollection services, string connectionString, string containerName, string? localCacheRoot = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(containerName);
        return services.AddSingleton<IWorkspaceStorage>(_ => new BlobWorkspaceStorage(
            new BlobContainerClient(connectionString, containerName),
            localCacheRoot ?? Path.Combine(Path.GetTempPath(), "skwasm-blob-cache", containerName)));
    }
}
