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

    /// <summary>Total size of the files below <paramref name="path"/> and the count of files and folders.</summary>
    public static (long Bytes, int Files) Usage(string path)
    {
        long bytes = 0;
        int files = 0;
        if (!Directory.Exists(path)) return (0, 0);
        foreach (var entry in Walk(path))
        {
            files++;
            if (entry is FileInfo file && !file.Attributes.HasFlag(FileAttributes.ReparsePoint)) bytes += file.Length;
        }
        return (bytes, files);
    }

    /// <summary>
    /// Every entry below <paramref name="path"/>, never descending through a link: .NET's own recursion follows
    /// directory links, and a link to ".." or "/" would make it walk the session store or the host (in a cycle).
    /// </summary>
    public static IEnumerable<FileSystemInfo> Walk(string path)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        return new FileSystemEnumerable<FileSystemInfo>(path, (ref FileSystemEntry entry) => entry.ToFileSystemInfo(), options)
        {
            ShouldRecursePredicate = (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };
    }
}
