using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>
/// The host's own reads and writes of a session's workspace (the files API), checked against its quota and synced
/// to the store; the caller holds the session's gate.
/// </summary>
internal static class WorkspaceFiles
{
    public static async Task<WorkspaceFile> WriteAsync(IWorkspaceStorage storage, Session session, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        string full = WorkspacePaths.Resolve(session.WorkspacePath, path);
        if (Directory.Exists(full)) throw new ArgumentException($"'{path}' is a folder.", nameof(path));
        var (used, files) = session.Quota.Measure();
        long existing = File.Exists(full) ? new FileInfo(full).Length : 0;
        if (used - existing + content.Length > session.Record.MaxWorkspaceBytes)
            throw new WorkspaceQuotaExceededException(
                $"Writing {content.Length:N0} bytes to '{path}' would put the workspace over its quota of {session.Record.MaxWorkspaceBytes:N0} bytes ({used:N0} used). Nothing was written.");
        int newEntries = existing == 0 && !File.Exists(full) ? CountMissingEntries(session.WorkspacePath, full) : 0;
        if (files + newEntries > session.Record.MaxFiles)
            throw new WorkspaceQuotaExceededException(
                $"The workspace already holds {files} of its {session.Record.MaxFiles} files and folders. Nothing was written.");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string tmp = full + ".skwasm-" + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        await File.WriteAllBytesAsync(tmp, content.ToArray(), cancellationToken).ConfigureAwait(false);
        File.Move(tmp, full, overwrite: true);
        session.Quota.Invalidate();
        session.LastScan = null;
        await storage.SyncWorkspaceAsync(session.Id, cancellationToken).ConfigureAwait(false);
        var info = new FileInfo(full);
        return new WorkspaceFile(WorkspacePaths.Relative(session.WorkspacePath, full), info.Length, info.LastWriteTimeUtc, false);
    }

    private static int CountMissingEntries(string root, string full)
    {
        int count = 0;
        for (string? p = full; p is not null && p.Length > root.Length; p = Path.GetDirectoryName(p))
            if (!File.Exists(p) && !Directory.Exists(p)) count++;
        return count;
    }

    /// <summary>The whole file; refused when it is larger than the session's byte quota (no honest file is).</summary>
    public static async Task<byte[]> ReadAllAsync(Session session, string path, CancellationToken cancellationToken)
    {
        long max = Math.Min(session.Record.MaxWorkspaceBytes, Array.MaxLength);
        var file = await ReadHeadAsync(session, path, (int)max, cancellationToken).ConfigureAwait(false);
        if (file.Truncated)
            throw new WorkspaceQuotaExceededException(
                $"'{path}' holds {file.Size:N0} bytes, more than the workspace quota of {session.Record.MaxWorkspaceBytes:N0}; read part of it with a cap instead.");
        return file.Content.ToArray();
    }

    /// <summary>At most <paramref name="maxBytes"/> from the start of the file, and its size.</summary>
    public static async Task<WorkspaceFileContent> ReadHeadAsync(Session session, string path, int maxBytes, CancellationToken cancellationToken)
    {
        string full = WorkspacePaths.Resolve(session.WorkspacePath, path);
        if (!File.Exists(full)) throw new FileNotFoundException($"No file '{path}' in the workspace of session '{session.Id}'.", path);
        await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
        long size = stream.Length;
        var buffer = new byte[(int)Math.Min(size, maxBytes)];
        int read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return new WorkspaceFileContent(buffer.AsMemory(0, read), size, read < size);
    }

    public static IReadOnlyList<WorkspaceFile> List(Session session, string? folder)
    {
        string dir = string.IsNullOrEmpty(folder) ? session.WorkspacePath : WorkspacePaths.Resolve(session.WorkspacePath, folder, allowRoot: true);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"No folder '{folder}' in the workspace.");
        return WorkspaceQuota.Walk(dir)
            .Select(e => new WorkspaceFile(WorkspacePaths.Relative(session.WorkspacePath, e.FullName),
                e is FileInfo f ? f.Length : 0, e.LastWriteTimeUtc, e is DirectoryInfo))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
    }

    public static async Task<bool> DeleteAsync(IWorkspaceStorage storage, Session session, string path, CancellationToken cancellationToken)
    {
        string full = WorkspacePaths.Resolve(session.WorkspacePath, path);
        bool existed = false;
        if (File.Exists(full)) { File.Delete(full); existed = true; }
        else if (Directory.Exists(full)) { WorkspaceQuota.DeleteTree(full); existed = true; }
        session.Quota.Invalidate();
        session.LastScan = null;
        await storage.SyncWorkspaceAsync(session.Id, cancellationToken).ConfigureAwait(false);
        return existed;
    }

    /// <summary>Empties the workspace (reset with files cleared).</summary>
    public static void Clear(Session session)
    {
        foreach (var entry in new DirectoryInfo(session.WorkspacePath).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo dir && dir.LinkTarget is null) WorkspaceQuota.DeleteTree(dir.FullName);
            else entry.Delete();
        }
        session.Quota.Invalidate();
        session.LastScan = null;
    }
}
