using Microsoft.Extensions.Logging;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Keeps the module cache bounded. Every new build of the guest files, Wasmtime or engine settings makes new entries
/// (compiled modules and start-up images, megabytes each), and nothing else ever removes the
/// old ones. Removes entries no current key names that have not been used for <see cref="MaxUnusedAge"/>, then the
/// least recently used others while the folder is over its size bound; the entries of the current keys and those this
/// process uses are never removed, even over the bound. Runs in the background after a process first starts a
/// runtime, at most once a day for all processes (a marker file), and also sweeps scratch folders a crashed
/// process left.
/// </summary>
internal static class ModuleCachePruner
{
    /// <summary>Entries unused this long are removed (an entry's time is refreshed once a day while it is used).</summary>
    internal static readonly TimeSpan MaxUnusedAge = TimeSpan.FromDays(7);

    /// <summary>How often the cache is pruned at most, across processes.</summary>
    internal static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    /// <summary>Temporary files of an interrupted write, and scratch folders, older than this are leftovers.</summary>
    internal static readonly TimeSpan LeftoverAge = TimeSpan.FromDays(1);

    internal const string MarkerName = ".last-prune";

    /// <summary>True, and the marker set, when no process pruned <paramref name="directory"/> in the last <see cref="Interval"/>.</summary>
    public static bool IsDue(string directory, DateTime nowUtc)
    {
        string marker = Path.Combine(directory, MarkerName);
        try
        {
            if (File.Exists(marker) && File.GetLastWriteTimeUtc(marker) > nowUtc - Interval) return false;
            Directory.CreateDirectory(directory);
            File.WriteAllBytes(marker, []);
            File.SetLastWriteTimeUtc(marker, nowUtc);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Prunes <paramref name="directory"/>; <paramref name="keep"/> are full paths never removed. Returns the files removed.</summary>
    public static IReadOnlyList<string> Prune(string directory, IReadOnlySet<string> keep, long maxBytes, DateTime nowUtc, ILogger? logger = null)
    {
        if (!Directory.Exists(directory)) return [];
        var removed = new List<string>();
        var kept = new List<FileInfo>();
        long total = 0;
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles())
        {
            if (file.Name == MarkerName) continue;
            bool current = keep.Contains(file.FullName) || IsLockOf(file, keep);
            bool leftover = file.Name.EndsWith(".tmp", StringComparison.Ordinal) && file.LastWriteTimeUtc < nowUtc - LeftoverAge;
            bool stale = !current && file.LastWriteTimeUtc < nowUtc - MaxUnusedAge;
            if ((leftover || stale) && TryRemove(file)) removed.Add(file.FullName);
            else
            {
                total += file.Length;
                if (!current) kept.Add(file);
            }
        }
        // Over the bound: the least recently used first, never a current entry.
        foreach (var file in kept.OrderBy(f => f.LastWriteTimeUtc))
        {
            if (total <= maxBytes) break;
            long size = file.Length; // before the delete, which clears what the FileInfo knows
            if (TryRemove(file))
            {
                total -= size;
                removed.Add(file.FullName);
            }
        }
        if (removed.Count > 0 && logger is not null) Log.ModuleCachePruned(logger, removed.Count, directory);
        return removed;
    }

    /// <summary>Removes folders of stateless calls (and start-up scratch) a process that died left in <paramref name="scratchRoot"/>.</summary>
    public static int SweepScratch(string scratchRoot, DateTime nowUtc)
    {
        if (!Directory.Exists(scratchRoot)) return 0;
        int count = 0;
        foreach (var dir in new DirectoryInfo(scratchRoot).EnumerateDirectories())
        {
            if (!(dir.Name.StartsWith("run-", StringComparison.Ordinal) || dir.Name.StartsWith("startup-", StringComparison.Ordinal)
                  || dir.Name.StartsWith("reference-", StringComparison.Ordinal))) continue;
            if (dir.LastWriteTimeUtc >= nowUtc - LeftoverAge) continue; // a call runs for at most minutes
            GuestRuntime.TryDeleteDirectory(dir.FullName);
            if (!Directory.Exists(dir.FullName)) count++;
        }
        return count;
    }

    private static bool IsLockOf(FileInfo file, IReadOnlySet<string> keep) =>
        file.Name.EndsWith(".lock", StringComparison.Ordinal) && keep.Contains(file.FullName[..^".lock".Length]);

    /// <summary>
    /// Deletes a file; a lock file only while holding it, so a process that holds it (building its entry) keeps it.
    /// Unix lets a file in use be deleted: a process mapping a module keeps its pages, the next one compiles again.
    /// </summary>
    private static bool TryRemove(FileInfo file)
    {
        try
        {
            if (file.Name.EndsWith(".lock", StringComparison.Ordinal))
            {
                using var held = new FileStream(file.FullName, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1);
                file.Delete();
                return true;
            }
            file.Delete();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
