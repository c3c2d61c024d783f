using System.IO.Enumeration;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Bytes and files a workspace may hold. Measured from the disk once, then kept up to date by the guest's
/// file gate (<see cref="GuestFileGate"/>): writes reserve what they add, removals give back what they free.
/// At the limit the disk is measured again only when the count may be off (the gate could not see what a
/// call changed, or the host changed files), so a refused write costs no walk of the workspace.
/// </summary>
internal sealed class WorkspaceQuota(string root, long maxBytes, int maxFiles)
{
    private long _bytes = -1;
    private int _files = -1;
    private bool _mayOvercount;

    public long MaxBytes { get; } = maxBytes;
    public int MaxFiles { get; } = maxFiles;

    /// <summary>How often the workspace was walked (for tests).</summary>
    internal int Measurements { get; private set; }

    /// <summary>Forgets the estimate: the next check measures the disk (call when the host changed files).</summary>
    public void Invalidate()
    {
        _bytes = -1;
        _files = -1;
    }

    private readonly List<Func<long>> _hidden = [];

    /// <summary>Bytes on the disk that a walk cannot see (files removed while a guest holds them open), added to every measurement.</summary>
    public void AddHidden(Func<long> bytes) => _hidden.Add(bytes);

    public void RemoveHidden(Func<long> bytes) => _hidden.Remove(bytes);

    /// <summary>The count may be higher than what is on disk (something was removed that the gate could not size).</summary>
    public void MayOvercount() => _mayOvercount = true;

    public bool TryReserve(long bytes)
    {
        if (_bytes < 0 || (_mayOvercount && _bytes + bytes > MaxBytes)) Measure();
        if (bytes > MaxBytes - _bytes) return false;
        _bytes += bytes;
        return true;
    }

    /// <summary>Gives back bytes reserved but not written, or freed by a truncation.</summary>
    public void Release(long bytes)
    {
        if (_bytes >= 0 && bytes > 0) _bytes = Math.Max(0, _bytes - bytes);
    }

    /// <summary>One file (of <paramref name="bytes"/>) or folder was removed.</summary>
    public void Removed(long bytes)
    {
        Release(bytes);
        if (_files > 0) _files--;
    }

    public bool CanCreate()
    {
        if (_files < 0 || (_mayOvercount && _files >= MaxFiles)) Measure();
        return _files < MaxFiles;
    }

    public void Created()
    {
        if (_files >= 0) _files++;
    }

    public (long Bytes, int Files) Measure()
    {
        Measurements++;
        _mayOvercount = false;
        (_bytes, _files) = Usage(root);
        foreach (var hidden in _hidden) _bytes += hidden();
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
