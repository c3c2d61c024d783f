using System.IO.Enumeration;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Bytes and files a workspace may hold. Guest writes reserve bytes as they happen (an estimate that only
/// over-counts, e.g. for rewrites); at the limit the real usage is measured again before saying no.
/// </summary>
internal sealed class WorkspaceQuota(string root, long maxBytes, int maxFiles)
{
    private long _bytes = -1;
    private int _files = -1;

    public long MaxBytes { get; } = maxBytes;
    public int MaxFiles { get; } = maxFiles;

    /// <summary>Forgets the estimate: the next check measures the disk (call when the host changed files).</summary>
    public void Invalidate()
    {
        _bytes = -1;
        _files = -1;
    }

    public bool TryReserve(long bytes)
    {
        if (_bytes < 0 || _bytes + bytes > MaxBytes) Measure();
        if (_bytes + bytes > MaxBytes) return false;
        _bytes += bytes;
        return true;
    }

    public bool CanCreate()
    {
        if (_files < 0 || _files >= MaxFiles) Measure();
        return _files < MaxFiles;
    }

    public void Created() => _files++;

    public (long Bytes, int Files) Measure()
    {
        (_bytes, _files) = Usage(root);
        return (_bytes, _files);
    }

    /// <summary>
    /// Total size of the files below <paramref name="path"/> and the count of files and folders. A workspace
    /// with folders nested too deep to measure (see <see cref="SafePathLength"/>) counts as full: the guest then
    /// gets ENOSPC until it removes them, rather than hiding files from the quota.
    /// </summary>
    public static (long Bytes, int Files) Usage(string path)
    {
        long bytes = 0;
        int files = 0;
        if (!Directory.Exists(path)) return (0, 0);
        foreach (var entry in Walk(path))
        {
            files++;
            if (entry is FileInfo file && !file.Attributes.HasFlag(FileAttributes.ReparsePoint)) bytes += file.Length;
            else if (entry is DirectoryInfo dir && dir.FullName.Length >= SafePathLength) return (long.MaxValue / 4, int.MaxValue / 4);
        }
        return (bytes, files);
    }

    /// <summary>Host paths up to this length are walked; deeper folders are not entered (.NET fails past PATH_MAX).</summary>
    internal const int SafePathLength = 2048;

    /// <summary>
    /// Deletes a folder however deep the guest nested it. The guest can build paths longer than the host's
    /// PATH_MAX (its own paths are relative to /app, and renames nest folders with short names), which .NET
    /// cannot delete; folders found past a safe length are first moved up to the top, then all is deleted.
    /// Links are removed, never followed.
    /// </summary>
    public static void DeleteTree(string path)
    {
        try
        {
            Directory.Delete(path, recursive: false); // the common case, a call that wrote nothing: one rmdir
            return;
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }
        catch (IOException)
        {
            // Not empty.
        }
        try
        {
            Directory.Delete(path, recursive: true);
            return;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException)
        {
            // .NET reports a path past PATH_MAX as PathTooLongException, or as an ArgumentException from deep
            // inside its recursive delete; flatten and try again.
        }
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        while (true)
        {
            string? deep = new FileSystemEnumerable<string>(path, (ref FileSystemEntry e) => e.ToFullPath(), options)
            {
                ShouldIncludePredicate = (ref FileSystemEntry e) =>
                    e.IsDirectory && (e.Attributes & FileAttributes.ReparsePoint) == 0 && e.Directory.Length + e.FileName.Length >= SafePathLength,
                ShouldRecursePredicate = (ref FileSystemEntry e) =>
                    (e.Attributes & FileAttributes.ReparsePoint) == 0 && e.Directory.Length + e.FileName.Length < SafePathLength,
            }.FirstOrDefault();
            if (deep is null) break;
            Directory.Move(deep, Path.Combine(path, "deep-" + Guid.NewGuid().ToString("N")));
        }
        Directory.Delete(path, recursive: true);
    }

    /// <summary>
    /// Every entry below <paramref name="path"/>, never descending through a link (.NET's own recursion follows
    /// directory links, and a link to ".." or "/" would make it walk the session store or the host, in a cycle)
    /// nor into folders past <see cref="SafePathLength"/>.
    /// </summary>
    public static IEnumerable<FileSystemInfo> Walk(string path)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        return new FileSystemEnumerable<FileSystemInfo>(path, (ref FileSystemEntry entry) => entry.ToFileSystemInfo(), options)
        {
            ShouldRecursePredicate = (ref FileSystemEntry entry) =>
                (entry.Attributes & FileAttributes.ReparsePoint) == 0 && entry.Directory.Length + entry.FileName.Length < SafePathLength,
        };
    }
}
