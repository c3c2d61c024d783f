using System.Text.Json.Serialization;

namespace SkWasmPlugin.Sandbox;

/// <summary>The guest languages the sandbox runs; in JSON "python" and "javascript" (<see cref="LanguageJsonConverter"/>).</summary>
[JsonConverter(typeof(LanguageJsonConverter))]
public enum Language
{
    /// <summary>CPython (<see cref="Languages.PythonVersion"/>) compiled to WASI.</summary>
    Python,

    /// <summary>QuickJS compiled to WASI.</summary>
    JavaScript,
}

/// <summary>Parses and names languages the way callers (models, CLI users) spell them.</summary>
public static class Languages
{
    /// <summary>The CPython version the sandbox runs ("3.11"): its standard library's folder, what tools tell models.</summary>
    public const string PythonVersion = "3.11";

    /// <summary>All supported languages.</summary>
    public static IReadOnlyList<Language> All { get; } = [Language.Python, Language.JavaScript];

    /// <summary>Whether <paramref name="language"/> is one of <see cref="All"/> (a cast integer may be anything).</summary>
    public static bool IsKnown(Language language) => language is Language.Python or Language.JavaScript;

    /// <summary>Parses "python", "py", "python3", "javascript", "js", "node" (case-insensitive).</summary>
    public static bool TryParse(string? text, out Language language)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "python" or "py" or "python3":
                language = Language.Python;
                return true;
            case "javascript" or "js" or "node" or "quickjs" or "ecmascript":
                language = Language.JavaScript;
                return true;
            default:
                language = default;
                return false;
        }
    }

    /// <summary>Parses a language name or throws <see cref="ArgumentException"/> naming the accepted values.</summary>
    public static Language Parse(string? text) =>
        TryParse(text, out var language)
            ? language
            : throw new ArgumentException(
                $"Unknown language '{text}'. Use 'python' (or 'py') or 'javascript' (or 'js').", nameof(text));

    /// <summary>Infers the language from a file name's extension (.py, .js, .mjs, .cjs).</summary>
    public static bool TryFromExtension(string path, out Language language)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".py":
                language = Language.Python;
                return true;
            case ".js" or ".mjs" or ".cjs":
                language = Language.JavaScript;
                return true;
            default:
                language = default;
                return false;
        }
    }

    /// <summary>The name people read: "Python" or "JavaScript".</summary>
    public static string DisplayName(this Language language) => language switch
    {
        Language.Python => "Python",
        Language.JavaScript => "JavaScript",
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, null),
    };

    /// <summary>The canonical lower-case name: "python" or "javascript".</summary>
    public static string Name(this Language language) => language switch
    {
        Language.Python => "python",
        Language.JavaScript => "javascript",
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, null),
    };
}
