using System.Text.RegularExpressions;

namespace SkWasmPlugin.Sandbox;

/// <summary>Validates session ids and resolves workspace-relative paths without ever leaving the workspace.</summary>
public static partial class WorkspacePaths
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex SessionIdPattern();

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="sessionId"/> is 1–64 letters, digits, '-' or '_'.</summary>
    public static string ValidateSessionId(string? sessionId)
    {
        if (string.IsNullOrWhiteSpace(sessionId))
            throw new ArgumentException("A session id is required.", nameof(sessionId));
        if (!SessionIdPattern().IsMatch(sessionId))
            throw new ArgumentException(
                $"Invalid session id '{Printable(sessionId)}': use 1-64 letters, digits, '-' or '_', starting with a letter or digit.",
                nameof(sessionId));
        return sessionId;
    }

    /// <summary>
    /// Resolves <paramref name="path"/> (relative to the workspace, or absolute under /app) to a host path
    /// inside <paramref name="root"/>. Traversal, other absolute paths, NUL bytes and links anywhere on the
    /// way are refused with <see cref="ArgumentException"/>.
    /// </summary>
    public static string Resolve(string root, string? path, bool allowRoot = false)
    {
        if (path is null) throw new ArgumentException("A path is required.", nameof(path));
        if (path.Contains('\0')) throw new ArgumentException("The path contains a NUL byte.", nameof(path));
        if (!IsValidUnicode(path))
            throw new ArgumentException("The path contains an unpaired UTF-16 surrogate, which is not valid Unicode; send valid text.", nameof(path));
        string p = path.Replace('\\', '/').Trim();
        if (p == "/app" || p == "/app/") p = "";
        else if (p.StartsWith("/app/", StringComparison.Ordinal)) p = p[5..];
        else if (p.StartsWith('/') || (p.Length >= 2 && p[1] == ':'))
            throw new ArgumentException($"'{Printable(path)}' is outside the workspace: use a path relative to /app.", nameof(path));
        var parts = p.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(s => s == ".."))
            throw new ArgumentException($"'{Printable(path)}' contains '..': paths must stay inside the workspace.", nameof(path));
        if (parts.Any(s => s.Length > 255))
            throw new ArgumentException("A path segment is longer than 255 characters.", nameof(path));
        parts = parts.Where(s => s != ".").ToArray();
        if (parts.Length == 0 && !allowRoot) throw new ArgumentException("The path names the workspace itself, not a file.", nameof(path));

        string full = Path.GetFullPath(Path.Combine([root, .. parts]));
        string rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        if (full != rootFull && !full.StartsWith(rootFull + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"'{Printable(path)}' resolves outside the workspace.", nameof(path));

        // A link made by the guest could point anywhere on the host: refuse to follow any.
        string current = rootFull;
        foreach (string part in parts)
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.Exists || Directory.Exists(current))
            {
                if (info.LinkTarget is not null || new DirectoryInfo(current).LinkTarget is not null)
                    throw new ArgumentException($"'{Printable(path)}' goes through a symbolic link, which the workspace API does not follow.", nameof(path));
            }
        }
        return full;
    }

    /// <summary>False when <paramref name="text"/> has an unpaired UTF-16 surrogate (UTF-8 encoding would silently replace it).</summary>
    internal static bool IsValidUnicode(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (!char.IsHighSurrogate(text[i]) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
            i++;
        }
        return true;
    }

    /// <summary>The workspace-relative form of a host path below root, with '/' separators.</summary>
    public static string Relative(string root, string fullPath) =>
        Path.GetRelativePath(root, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    private static string Printable(string s)
    {
        var clean = new string(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 80 ? clean[..80] + "…" : clean;
    }
}
