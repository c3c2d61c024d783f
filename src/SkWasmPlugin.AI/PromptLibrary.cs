using System.Collections.Concurrent;
using System.Text;

namespace SkWasmPlugin.AI;

/// <summary>The prompts in prompts/*.md, embedded in this assembly, loaded by name and filled in with {{placeholders}}.</summary>
public static class PromptLibrary
{
    /// <summary>Prompt for writing code from a task.</summary>
    public const string CodeGeneration = "code-generation";

    /// <summary>Prompt that feeds guidance and fuel analysis back after a failed attempt.</summary>
    public const string Repair = "repair";

    /// <summary>System prompt for chat apps that have the sandbox tools.</summary>
    public const string CodeInterpreterSystem = "code-interpreter-system";

    /// <summary>System prompt of the util-bot sample.</summary>
    public const string UtilBot = "util-bot";

    private static readonly ConcurrentDictionary<string, string> Cache = new();

    /// <summary>The raw template. Unknown names throw <see cref="ArgumentException"/> listing the known ones.</summary>
    public static string Get(string name) => Cache.GetOrAdd(name, static n =>
    {
        var assembly = typeof(PromptLibrary).Assembly;
        using var stream = assembly.GetManifestResourceStream($"SkWasmPlugin.AI.Prompts.{n}.md");
        if (stream is null)
        {
            var known = assembly.GetManifestResourceNames()
                .Where(r => r.StartsWith("SkWasmPlugin.AI.Prompts.", StringComparison.Ordinal))
                .Select(r => r["SkWasmPlugin.AI.Prompts.".Length..^3]);
            throw new ArgumentException($"No prompt named '{n}'. Known: {string.Join(", ", known)}.", nameof(name));
        }
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>The template with each {{key}} replaced; placeholders without a value are removed.</summary>
    public static string Render(string name, IReadOnlyDictionary<string, string?> values)
    {
        var text = new StringBuilder(Get(name));
        foreach (var (key, value) in values) text.Replace("{{" + key + "}}", value ?? "");
        string result = text.ToString();
        int start;
        while ((start = result.IndexOf("{{", StringComparison.Ordinal)) >= 0)
        {
            int end = result.IndexOf("}}", start, StringComparison.Ordinal);
            if (end < 0) break;
            result = result.Remove(start, end - start + 2);
        }
        return result;
    }
}
