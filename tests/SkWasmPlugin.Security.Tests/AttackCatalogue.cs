using System.Globalization;
using System.Text.RegularExpressions;

namespace SkWasmPlugin.Security.Tests;

/// <summary>
/// One attack of the catalogue: a program in attacks/ whose header comment declares what it tries and what must
/// happen. Header lines (comments at the top of the file, "# key: value" or "// key: value"):
/// <list type="bullet">
/// <item><c>attack:</c> what it tries (required).</item>
/// <item><c>expect:</c> alternatives separated by '|' (required): <c>blocked</c> (the program's own attempt fails:
/// it ends with an error, or prints BLOCKED), <c>handled</c> (Success or Error, no limit or crash), <c>success</c>,
/// <c>memory</c> (MemoryExhausted, or an error naming MemoryError / out of memory), <c>limit</c> (any limit outcome
/// or memory), or <c>outcome=Name</c> / a bare <see cref="ExecutionOutcome"/> name.</item>
/// <item><c>limits:</c> <c>fuel=N timeout=2s memory=256MB stdout=N stderr=N</c>.</item>
/// <item><c>session: small</c> runs it in a session with a 4 MB / 64-file quota; <c>stateless: also</c> runs it once
/// more as a stateless call (whose temporary workspace must then be gone).</item>
/// <item><c>max-seconds:</c>, <c>exit-code:</c>, <c>stdout-max:</c>, <c>stderr-max:</c> (bytes),
/// <c>stdout-has:</c> / <c>output-has:</c> (regular expressions), <c>mode: module</c> (JavaScript ES module).</item>
/// </list>
/// Everything after a line <c>#### probe</c> / <c>//// probe</c> is a probe: it runs in a fresh session and in a
/// stateless call after the attack, and must print CLEAN (for attacks that try to leak into other sessions).
/// Every program prints ESCAPED if its attempt worked; no program may print it.
/// Placeholders replaced before running: {{CANARY_FILE}}, {{CANARY_DIR}}, {{STORAGE_ROOT}}, {{VICTIM_ID}}, {{HOME}}, {{ENV_NAME}}.
/// </summary>
public sealed record Attack(
    string FileName,
    Language Language,
    string Description,
    string ExpectText,
    IReadOnlySet<string> Classes,
    IReadOnlySet<ExecutionOutcome> Outcomes,
    string Code,
    string? Probe,
    ExecutionLimits Limits,
    bool SmallSession,
    bool Module,
    bool AlsoStateless,
    TimeSpan? MaxDuration,
    int? ExitCode,
    int? StdoutMax,
    int? StderrMax,
    string? StdoutHas,
    string? OutputHas)
{
    public string Group => FileName.Split('_')[0];

    public static readonly string[] KnownClasses = ["blocked", "handled", "success", "memory", "limit"];

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "attacks");

    public static IReadOnlyList<string> FileNames() =>
        [.. Directory.EnumerateFiles(Folder).Where(f => f.EndsWith(".py", StringComparison.Ordinal) || f.EndsWith(".js", StringComparison.Ordinal))
            .Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    public static Attack Load(string fileName)
    {
        var language = fileName.EndsWith(".py", StringComparison.Ordinal) ? Language.Python : Language.JavaScript;
        string comment = language == Language.Python ? "#" : "//";
        string text = File.ReadAllText(Path.Combine(Folder, fileName)).Replace("\r\n", "\n");
        string marker = language == Language.Python ? "\n#### probe\n" : "\n//// probe\n";
        string? probe = null;
        int split = text.IndexOf(marker, StringComparison.Ordinal);
        if (split >= 0)
        {
            probe = text[(split + marker.Length)..];
            text = text[..(split + 1)];
        }

        var header = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            if (!line.StartsWith(comment, StringComparison.Ordinal)) break;
            string body = line[comment.Length..].Trim();
            int colon = body.IndexOf(':');
            if (colon <= 0) continue;
            header[body[..colon].Trim()] = body[(colon + 1)..].Trim();
        }
        string Need(string key) => header.TryGetValue(key, out var v) && v.Length > 0
            ? v : throw new InvalidDataException($"{fileName}: the header lacks '{comment} {key}: ...'.");

        string expect = Need("expect");
        var classes = new HashSet<string>(StringComparer.Ordinal);
        var outcomes = new HashSet<ExecutionOutcome>();
        foreach (string raw in expect.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string token = raw.StartsWith("outcome=", StringComparison.Ordinal) ? raw["outcome=".Length..] : raw;
            if (Enum.TryParse<ExecutionOutcome>(token, ignoreCase: false, out var outcome)) outcomes.Add(outcome);
            else if (KnownClasses.Contains(token)) classes.Add(token);
            else throw new InvalidDataException($"{fileName}: unknown expectation '{raw}'.");
        }

        var limits = new ExecutionLimits { Fuel = 2_000_000_000, Timeout = TimeSpan.FromSeconds(10) };
        if (header.TryGetValue("limits", out var limitText))
        {
            foreach (string pair in limitText.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var (key, value) = (pair.Split('=')[0], pair.Split('=')[1]);
                limits = key switch
                {
                    "fuel" => limits with { Fuel = long.Parse(value, CultureInfo.InvariantCulture) },
                    "timeout" => limits with { Timeout = TimeSpan.FromSeconds(double.Parse(value.TrimEnd('s'), CultureInfo.InvariantCulture)) },
                    "memory" => limits with { MemoryBytes = long.Parse(value.Replace("MB", ""), CultureInfo.InvariantCulture) * 1024 * 1024 },
                    "stdout" => limits with { MaxStdoutBytes = int.Parse(value, CultureInfo.InvariantCulture) },
                    "stderr" => limits with { MaxStderrBytes = int.Parse(value, CultureInfo.InvariantCulture) },
                    _ => throw new InvalidDataException($"{fileName}: unknown limit '{key}'."),
                };
            }
        }
        int? Int(string key) => header.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : null;
        return new Attack(
            fileName, language, Need("attack"), expect, classes, outcomes, text, probe, limits,
            SmallSession: header.GetValueOrDefault("session") == "small",
            Module: header.GetValueOrDefault("mode") == "module",
            AlsoStateless: header.GetValueOrDefault("stateless") == "also",
            MaxDuration: header.TryGetValue("max-seconds", out var s) ? TimeSpan.FromSeconds(double.Parse(s, CultureInfo.InvariantCulture)) : null,
            ExitCode: Int("exit-code"),
            StdoutMax: Int("stdout-max"),
            StderrMax: Int("stderr-max"),
            StdoutHas: header.GetValueOrDefault("stdout-has"),
            OutputHas: header.GetValueOrDefault("output-has"));
    }

    /// <summary>Null when <paramref name="result"/> meets the expectation, else why not.</summary>
    public string? CheckExpectation(ExecutionResult result)
    {
        string output = result.Stdout + "\n" + result.Stderr;
        bool handled = result.Outcome is ExecutionOutcome.Success or ExecutionOutcome.Error;
        bool memory = result.Outcome == ExecutionOutcome.MemoryExhausted ||
                      (result.Outcome == ExecutionOutcome.Error && Regex.IsMatch(output, "MemoryError|out of memory"));
        bool Meets(string c) => c switch
        {
            "blocked" => result.Outcome == ExecutionOutcome.Error || (result.Outcome == ExecutionOutcome.Success && result.Stdout.Contains("BLOCKED", StringComparison.Ordinal)),
            "handled" => handled,
            "success" => result.Outcome == ExecutionOutcome.Success,
            "memory" => memory,
            "limit" => memory || result.Outcome is ExecutionOutcome.FuelExhausted or ExecutionOutcome.TimedOut
                           or ExecutionOutcome.MemoryExhausted or ExecutionOutcome.OutputLimitExceeded,
            _ => false,
        };
        if (!Classes.Any(Meets) && !Outcomes.Contains(result.Outcome))
            return $"expected {ExpectText}, got {result.Outcome}";
        return null;
    }

    public override string ToString() => FileName;
}
