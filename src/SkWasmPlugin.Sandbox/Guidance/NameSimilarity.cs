namespace SkWasmPlugin.Sandbox.Guidance;

/// <summary>Ranks defined names by how close they are to a misspelt one.</summary>
internal static class NameSimilarity
{
    public static IReadOnlyList<string> Closest(string target, IEnumerable<string> candidates, int count)
    {
        int threshold = Math.Max(1, target.Length / 3);
        return candidates
            .Where(c => !string.Equals(c, target, StringComparison.Ordinal))
            .Select(c => (Name: c, Distance: string.Equals(c, target, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(target, c)))
            .Where(x => x.Distance <= threshold || x.Name.StartsWith(target, StringComparison.OrdinalIgnoreCase) && target.Length >= 3)
            .OrderBy(x => x.Distance).ThenBy(x => x.Name.Length).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => x.Name).Distinct().Take(count).ToList();
    }

    /// <summary>Damerau–Levenshtein distance (optimal string alignment), case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
