using Spectre.Console;

namespace SkWasmPlugin.Cli;

/// <summary>
/// The styled consoles of the CLI, set up on first use (terminal detection takes milliseconds). When a stream is not
/// a terminal (piped, redirected to a file, read by a program), nothing is wrapped: Spectre would wrap at 80 columns,
/// splitting fixes, paths and session ids across lines for whoever reads or greps them.
/// </summary>
internal static class CliConsole
{
    /// <summary>Wide enough that no line we print is wrapped (a guidance message is at most a few thousand characters).</summary>
    internal const int UnwrappedWidth = 1 << 20;

    private static readonly Lazy<IAnsiConsole> s_stdout = new(() => Create(Console.Out, Console.IsOutputRedirected));
    private static readonly Lazy<IAnsiConsole> s_stderr = new(() => Create(Console.Error, Console.IsErrorRedirected));

    /// <summary>Tables and styled text on stdout.</summary>
    public static IAnsiConsole Stdout => s_stdout.Value;

    /// <summary>Summaries on stderr.</summary>
    public static IAnsiConsole Stderr => s_stderr.Value;

    /// <summary>Sets <see cref="Stderr"/> up on another core while the program runs, off the path to the summary line.</summary>
    public static void PrepareStderr() => ThreadPool.UnsafeQueueUserWorkItem(static _ => _ = s_stderr.Value, (object?)null, preferLocal: false);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (redirected) console.Profile.Width = UnwrappedWidth;
        return console;
    }
}
