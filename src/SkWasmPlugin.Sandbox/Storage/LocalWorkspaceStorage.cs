using System.Text.Json;
using SkWasmPlugin.Sandbox.Sessions;

namespace SkWasmPlugin.Sandbox;

/// <summary>
/// Sessions on the local disk: <c>ROOT/ID/workspace/</c> (mounted at /app), <c>ROOT/ID/session.json</c>,
/// <c>ROOT/ID/state/NAME</c> and the lock of the process that runs it, <c>ROOT/ID/.lock</c>. Writes go to a temporary file that is then renamed over the old one.
/// </summary>
public sealed class LocalWorkspaceStorage : IWorkspaceStorage
{
    private readonly string _root;

    /// <summary>Creates the store under <paramref name="root"/>.</summary>
    public LocalWorkspaceStorage(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    /// <summary>The default folder of this application's sessions: <c>ROOT/sessions/APP</c> (see <see cref="SandboxPaths"/>), APP the entry assembly's name.</summary>
    public static string DefaultRoot() => SandboxPaths.Sessions();

    /// <summary>The default folder of <paramref name="applicationName"/>'s sessions, <c>ROOT/sessions/APP</c> (null: the entry assembly's name).</summary>
    public static string DefaultRoot(string? applicationName) => SandboxPaths.Sessions(applicationName);

    private string SessionDir(string id) => Path.Combine(_root, WorkspacePaths.ValidateSessionId(id));

    /// <summary>An exclusive lock on <c>ROOT/ID/.lock</c> (an OS file lock, so it ends with the process).</summary>
    public async Task<IAsyncDisposable?> TryLockSessionAsync(string sessionId, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        string dir = SessionDir(sessionId);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, ".lock");
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                // The file stays after the lock is given up (deleting it would let two processes lock two files of one
                // name); it goes with the session's folder.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    public Task<string> OpenWorkspaceAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        string dir = Path.Combine(SessionDir(sessionId), "workspace");
        Directory.CreateDirectory(dir);
        return Task.FromResult(dir);
    }

    public Task SyncWorkspaceAsync(string sessionId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task SaveRecordAsync(SessionRecord record, CancellationToken cancellationToken = default)
    {
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(record, StorageJson.Default.SessionRecord);
        await WriteAtomicAsync(Path.Combine(SessionDir(record.Id), "session.json"), bytes, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SessionRecord?> LoadRecordAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(SessionDir(sessionId), "session.json");
        if (!File.Exists(path)) return null;
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(stream, StorageJson.Default.SessionRecord, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The record of session '{sessionId}' at {path} is corrupt: {ex.Message}", ex);
        }
    }

    public Task<IReadOnlyList<string>> ListSessionIdsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> ids = Directory.Exists(_root)
            ? Directory.EnumerateDirectories(_root)
                .Where(d => File.Exists(Path.Combine(d, "session.json")))
                .Select(Path.GetFileName).OfType<string>().ToList()
            : [];
        return Task.FromResult(ids);
    }

    public Task SaveStateAsync(string sessionId, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        WriteAtomicAsync(StatePath(sessionId, name), data, cancellationToken);

    public async Task<byte[]?> LoadStateAsync(string sessionId, string name, CancellationToken cancellationToken = default)
    {
        string path = StatePath(sessionId, name);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false) : null;
    }

    public Task DeleteStateAsync(string sessionId, string name, CancellationToken cancellationToken = default)
    {
        string path = StatePath(sessionId, name);
        if (File.Exists(path)) File.Delete(path);
        return Task.CompletedTask;
    }

    public Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        string dir = SessionDir(sessionId);
        SkWasmPlugin.Sandbox.Hosting.WorkspaceQuota.DeleteTree(dir);
        return Task.CompletedTask;
    }

    private string StatePath(string sessionId, string name)
    {
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || name.Contains(".."))
            throw new ArgumentException($"Invalid state name '{name}'.", nameof(name));
        return Path.Combine(SessionDir(sessionId), "state", name);
    }

    private static async Task WriteAtomicAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.WriteThrough))
            {
                await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
