using System.IO.Enumeration;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>Size and modification time of one workspace file, what a call's changes are found by.</summary>
internal readonly record struct FileStamp(long Size, long WriteTicks);

/// <summary>What <see cref="WorkspaceScan.Compare"/> found: the listed changes and how many there were in all.</summary>
internal sealed record WorkspaceChanges(IReadOnlyList<WorkspaceFileChange> Files, int Total, bool Complete);

/// <summary>
/// The files of a workspace (path, size, modification time), to list what a call created or changed by comparing a
/// scan before the call with one after. Bounded: at most <see cref="MaxEntries"/> entries are looked at, and only
/// <see cref="MaxListed"/> changes are described (their first bytes read for the media type, small images read whole),
/// so a program that writes ten thousand files costs one walk and a short list, not a huge result.
/// </summary>
internal sealed class WorkspaceScan
{
    /// <summary>Files and folders a scan looks at; past that it stops and says it is incomplete.</summary>
    internal const int MaxEntries = 20_000;

    /// <summary>Changes described in a result; the rest are counted.</summary>
    internal const int MaxListed = 100;

    /// <summary>Images whose bytes a result carries, and the largest of them.</summary>
    internal const int MaxImages = 8;
    internal const long MaxImageBytes = 4 * 1024 * 1024;

    private readonly Dictionary<string, FileStamp> _files;

    private WorkspaceScan(Dictionary<string, FileStamp> files, bool complete)
    {
        _files = files;
        Complete = complete;
    }

    /// <summary>A workspace with nothing in it (a stateless call's /app before the call).</summary>
    public static WorkspaceScan Empty { get; } = new([], complete: true);

    /// <summary>False when the workspace had more than <see cref="MaxEntries"/> entries (or could not be read whole).</summary>
    public bool Complete { get; }

    public int Count => _files.Count;

    public static WorkspaceScan Take(string root)
    {
        var files = new Dictionary<string, FileStamp>(StringComparer.Ordinal);
        if (!Directory.Exists(root)) return new(files, complete: true);
        // Dot-files count (on Unix .NET reports them as Hidden, skipped by default); links are never followed.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        string full = Path.GetFullPath(root);
        var entries = new FileSystemEnumerable<(string Path, FileStamp Stamp)?>(full,
            (ref FileSystemEntry e) => e.IsDirectory ? null : (Path.GetRelativePath(full, e.ToFullPath()).Replace('\\', '/'), new FileStamp(e.Length, e.LastWriteTimeUtc.UtcTicks)),
            options)
        {
            // As WorkspaceQuota.Walk: folders nested past what .NET can open are not entered.
            ShouldRecursePredicate = (ref FileSystemEntry e) => e.Directory.Length + e.FileName.Length + 1 < WorkspaceQuota.SafePathLength,
        };
        int seen = 0;
        try
        {
            foreach (var entry in entries)
            {
                if (++seen > MaxEntries) return new(files, complete: false);
                if (entry is { } file) files[file.Path] = file.Stamp;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new(files, complete: false);
        }
        return new(files, complete: true);
    }

    /// <summary>
    /// The files of <paramref name="after"/> (a scan of <paramref name="root"/>) that are new or differ from <paramref name="before"/>:
    /// shown files first, then by path; the first <see cref="MaxListed"/> described.
    /// </summary>
    public static WorkspaceChanges Compare(WorkspaceScan before, WorkspaceScan after, string root)
    {
        var changed = new List<(string Path, FileStamp Stamp, WorkspaceFileChangeKind Kind)>();
        foreach (var (path, stamp) in after._files)
        {
            if (!before._files.TryGetValue(path, out var old)) changed.Add((path, stamp, WorkspaceFileChangeKind.Created));
            else if (old != stamp) changed.Add((path, stamp, WorkspaceFileChangeKind.Modified));
        }
        var listed = changed
            .OrderBy(c => c.Path.StartsWith(WorkspaceFileChange.ShowFolder, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(c => c.Path, StringComparer.Ordinal)
            .Take(MaxListed)
            .ToList();
        var files = new List<WorkspaceFileChange>(listed.Count);
        int images = 0;
        Span<byte> head = stackalloc byte[MediaTypes.SniffBytes];
        foreach (var (path, stamp, kind) in listed)
        {
            string full = Path.Combine(root, path);
            int read = 0;
            byte[]? content = null;
            try
            {
                using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
                read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
                string type = MediaTypes.Of(path, head[..read]);
                if (MediaTypes.IsImage(type) && images < MaxImages && stream.Length <= MaxImageBytes)
                {
                    content = new byte[stream.Length];
                    stream.Position = 0;
                    stream.ReadExactly(content);
                    images++;
                }
                files.Add(new WorkspaceFileChange(path, stamp.Size, type, kind) { Content = content });
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone or unreadable since the scan: still listed, typed by its name.
                files.Add(new WorkspaceFileChange(path, stamp.Size, MediaTypes.Of(path, []), kind));
            }
        }
        return new WorkspaceChanges(files, changed.Count, before.Complete && after.Complete);
    }
}
