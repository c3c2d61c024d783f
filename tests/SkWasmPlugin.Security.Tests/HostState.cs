using System.IO.Enumeration;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SkWasmPlugin.Security.Tests;

/// <summary>
/// What an attack must leave alone on the host: the canary folder (content, mtime, listing), the victim
/// session's files, the guest runtime files, and the shape of the storage and scratch folders.
/// </summary>
public sealed record HostState(
    string CanaryContent,
    DateTime CanaryMtime,
    IReadOnlyList<string> CanaryListing,
    IReadOnlyDictionary<string, string> VictimFiles,
    IReadOnlyDictionary<string, string> RuntimeFiles)
{
    /// <summary>Names an escaped write could leave in the host temp folder.</summary>
    private static readonly string[] TempIntruders = ["payload.txt", "evil.txt", "evil.py", "skwasm-escape.txt", "zip-evil.txt", "stolen.zip"];

    public static string RuntimeFolder => Path.Combine(AppContext.BaseDirectory, "guest");

    public static HostState Capture(SecurityFixture f) => new(
        File.ReadAllText(f.CanaryFile),
        File.GetLastWriteTimeUtc(f.CanaryFile),
        [.. Directory.EnumerateFileSystemEntries(f.CanaryDir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)],
        Fingerprint(Path.Combine(f.StorageRoot, f.VictimId, "workspace"), hash: true),
        Fingerprint(RuntimeFolder, hash: false));

    /// <summary>Relative path → content hash (or size and mtime) of every entry, never following links.</summary>
    public static Dictionary<string, string> Fingerprint(string root, bool hash)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in Walk(root))
        {
            string key = Path.GetRelativePath(root, e.FullName);
            map[key] = e switch
            {
                FileInfo file when hash => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file.FullName))),
                FileInfo file => $"{file.Length}@{file.LastWriteTimeUtc.Ticks}/{(OperatingSystem.IsWindows() ? 0 : (int)file.UnixFileMode)}",
                _ => "dir",
            };
        }
        return map;
    }

    /// <summary>
    /// Every entry below <paramref name="root"/> without descending through links, nor into folders whose host
    /// path is too long for .NET to open (a guest can nest folders past PATH_MAX; see fs_deep_long_path.py).
    /// </summary>
    public static IEnumerable<FileSystemInfo> Walk(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        return new FileSystemEnumerable<FileSystemInfo>(root, (ref FileSystemEntry e) => e.ToFileSystemInfo(), options)
        {
            ShouldRecursePredicate = (ref FileSystemEntry e) =>
                (e.Attributes & FileAttributes.ReparsePoint) == 0 && e.Directory.Length + e.FileName.Length < 3500,
        };
    }

    /// <summary>Differences between two captures plus structural problems of the test's folders right now.</summary>
    public static List<string> Compare(HostState before, HostState after, SecurityFixture f)
    {
        var problems = new List<string>();
        if (after.CanaryContent != before.CanaryContent) problems.Add("the host canary file's content changed");
        if (after.CanaryMtime != before.CanaryMtime) problems.Add("the host canary file's mtime changed");
        if (!after.CanaryListing.SequenceEqual(before.CanaryListing))
            problems.Add("the host canary folder's listing changed: " + string.Join(", ", after.CanaryListing));
        if (!Same(before.VictimFiles, after.VictimFiles)) problems.Add("the victim session's workspace changed");
        if (!Same(before.RuntimeFiles, after.RuntimeFiles)) problems.Add("the guest runtime files changed");

        foreach (string name in TempIntruders)
            if (File.Exists(Path.Combine(Path.GetTempPath(), name)) || File.Exists(Path.Combine("/", name)))
                problems.Add($"a file '{name}' appeared in the host temp folder or root");

        // ROOT holds only sessions/ and scratch/; each session folder only its workspace, record, checkpoints and lock.
        foreach (string entry in Directory.EnumerateFileSystemEntries(f.Root))
            if (Path.GetFileName(entry) is not ("sessions" or "scratch")) problems.Add($"unexpected '{entry}' in the test root");
        foreach (string entry in Directory.EnumerateFileSystemEntries(f.StorageRoot))
        {
            string name = Path.GetFileName(entry);
            if (!Directory.Exists(entry) || !Regex.IsMatch(name, "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"))
            {
                problems.Add($"unexpected '{name}' in the session store");
                continue;
            }
            foreach (string child in Directory.EnumerateFileSystemEntries(entry))
                if (Path.GetFileName(child) is not ("workspace" or "session.json" or "state" or ".lock") && !InFlight(child, "session.json"))
                    problems.Add($"unexpected '{child}' in a session folder");
            string state = Path.Combine(entry, "state");
            if (Directory.Exists(state))
                foreach (string child in Directory.EnumerateFileSystemEntries(state))
                    if (!child.EndsWith(".ckpt", StringComparison.Ordinal) && !InFlight(child, ".ckpt")) problems.Add($"unexpected '{child}' in a session's state folder");
        }
        // Stateless workspaces are deleted in the background right after their call's result: give that a moment. The
        // interpreters kept for the next stateless calls (SandboxOptions.ReadyStatelessInterpreters per runtime) keep
        // their /app, which must be empty: a call that changed a file does not leave its interpreter behind.
        int kept = f.Sandbox.Options.ReadyStatelessInterpreters * 2;
        bool Leftover(string entry) => !Path.GetFileName(entry).StartsWith("run-", StringComparison.Ordinal) || !Directory.Exists(entry)
            || Directory.EnumerateFileSystemEntries(entry).Any();
        IEnumerable<string> Entries() => Directory.Exists(f.ScratchRoot) ? Directory.EnumerateFileSystemEntries(f.ScratchRoot) : [];
        SpinWait.SpinUntil(() => Entries().Count(Leftover) == 0 && Entries().Count() <= kept, TimeSpan.FromSeconds(5));
        foreach (string entry in Entries().Where(Leftover))
            problems.Add($"a stateless workspace was left behind: '{entry}'" + (Directory.Exists(entry) ? $", holding {Directory.EnumerateFileSystemEntries(entry).Count()} entries" : ""));
        if (Entries().Count() > kept) problems.Add($"{Entries().Count()} stateless workspaces in the scratch folder, more than the {kept} kept interpreters have");
        return problems;
    }

    /// <summary>A temporary file of an atomic write still in progress (checkpoints are written behind the call).</summary>
    private static bool InFlight(string path, string of) =>
        Regex.IsMatch(Path.GetFileName(path), "^[A-Za-z0-9._-]*" + Regex.Escape(of) + "\\.[0-9a-f]{32}\\.tmp$");

    private static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
