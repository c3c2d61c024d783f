using System.Text.RegularExpressions;

namespace SkWasmPlugin.AI;

/// <summary>Removes what models commonly wrap code in: Markdown fences, a language word on the first line, stray backticks.</summary>
public static partial class CodeSanitizer
{
    [GeneratedRegex(@"^\s*```[ \t]*(?<lang>[A-Za-z0-9_+-]*)[ \t]*\r?\n(?<body>.*?)\r?\n?[ \t]*```\s*$", RegexOptions.Singleline)]
    private static partial Regex Fenced();

    private static readonly string[] LanguageWords = ["python", "python3", "py", "javascript", "js", "node"];

    /// <summary>The code without its wrapping; code that is not wrapped comes back unchanged (but for surrounding blank lines).</summary>
    public static string Sanitize(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var match = Fenced().Match(code);
        string body = match.Success ? match.Groups["body"].Value : code;
        if (!match.Success)
        {
            // "python\nprint(1)" or "`print(1)`"
            var lines = body.Split('\n');
            if (lines.Length > 1 && LanguageWords.Contains(lines[0].Trim().ToLowerInvariant()))
                body = string.Join('\n', lines.Skip(1));
            string trimmed = body.Trim();
            if (trimmed.Length > 2 && trimmed[0] == '`' && trimmed[^1] == '`' && !trimmed.Contains('\n'))
                body = trimmed.Trim('`');
        }
        return body.Trim('\n', '\r');
    }
}
