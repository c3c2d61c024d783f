using System.CommandLine;
using System.Text;
using SkWasmPlugin.Cli;
using SkWasmPlugin.Mcp;
using SkWasmPlugin.Sandbox;
using Spectre.Console;

// skwasm: exit 0 when the program succeeded, 1 when it failed, 2 for bad usage or a host error.
var root = new RootCommand("Run Python and JavaScript in the SkWasmPlugin WebAssembly sandbox.");
var storeOption = new Option<string?>("--store")
{
    Description = "Folder for sessions (default: the CLI's own store, $SKWASM_HOME/sessions/skwasm, or skwasm/sessions/skwasm under local app data).",
    Recursive = true,
};
root.Options.Add(storeOption);
root.Subcommands.Add(RunCommand.Create(storeOption));
root.Subcommands.Add(SessionCommands.Create(storeOption));
root.Subcommands.Add(SkWasmMcpCommand.Configure(new Command("mcp", "Serve the sandbox as MCP tools: stdio by default, or streamable HTTP with --http."), storeOption));

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"skwasm: {error.Message}");
    Console.Error.WriteLine("Try 'skwasm --help'.");
    return 2;
}
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex) when (ex is ArgumentException or IOException or InvalidOperationException or KeyNotFoundException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"skwasm: {ex.Message}");
    return 2;
}

namespace SkWasmPlugin.Cli
{
    internal static class CliSandbox
    {
        public static WasmCodeSandbox Create(string? store) => new(new SandboxOptions
        {
            // One call per process: a pool of reusable slots would only add its set-up, and resetting the slot
            // (zeroing the pages it keeps resident) when the call's instance is dropped, before the process exits.
            UsePoolingAllocator = false,
            // One call per process: an optimized compile in the background would die with the process every time, so
            // a cold machine compiles it once, on every core, and every later run finds it in the cache.
            BaselineCompilerWhileCold = false,
            Sessions = new SessionManagerOptions
            {
                // The CLI's own store, whatever the entry assembly is called when it is hosted: other apps' sessions stay theirs.
                ApplicationName = "skwasm",
                StoragePath = store ?? LocalWorkspaceStorage.DefaultRoot("skwasm"),
                CheckpointDelay = TimeSpan.Zero, // one call per process: checkpoint before exiting
            },
        });
    }

    internal static class RunCommand
    {
        public static Command Create(Option<string?> store)
        {
            var file = new Argument<string?>("file") { Description = "Program file (.py, .js, .mjs), or '-' for standard input.", Arity = ArgumentArity.ZeroOrOne };
            var lang = new Option<string?>("--lang", "-l") { Description = "python | javascript (py, js). Inferred from the file extension when omitted." };
            var code = new Option<string?>("--code", "-c") { Description = "Program text to run instead of a file." };
            var stdin = new Option<string?>("--stdin") { Description = "File whose content is the program's standard input ('-' for this process's stdin)." };
            var fuel = new Option<long?>("--fuel") { Description = "Instruction budget (default 5,000,000,000)." };
            var memory = new Option<int?>("--memory-mb") { Description = "Memory limit in MB (default 128)." };
            var timeout = new Option<int?>("--timeout-ms") { Description = "Wall-clock limit in milliseconds (default 30000)." };
            var session = new Option<string?>("--session", "-s") { Description = "Run in this session (created when it does not exist); state and /app files persist." };
            var module = new Option<bool>("--module") { Description = "JavaScript: run as an ES module." };
            var json = new Option<bool>("--json") { Description = "Print the full result as JSON." };
            var outDir = new Option<string?>("--out", "-o") { Description = "Folder to write the files the run made into (images, and SVG also rendered as PNG)." };
            var command = new Command("run", "Run a program in the sandbox.") { file, lang, code, stdin, fuel, memory, timeout, session, module, json, outDir };
            command.SetAction(async (parse, cancellationToken) =>
            {
                string? path = parse.GetValue(file);
                string? text = parse.GetValue(code);
                string? langName = parse.GetValue(lang);
                if (text is null && path is null)
                    throw new ArgumentException("Give a program: a FILE, '-' for standard input, or --code TEXT.");
                if (text is not null && path is not null)
                    throw new ArgumentException("Give either a FILE or --code, not both.");
                string? stdinPath = parse.GetValue(stdin);
                if (path == "-" && stdinPath == "-")
                    throw new ArgumentException("Standard input cannot be both the program and its input.");
                text ??= path == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : await ReadFileAsync(path!, cancellationToken);
                Language language;
                if (langName is not null) language = Languages.Parse(langName);
                else if (path is not null && path != "-" && Languages.TryFromExtension(path, out var inferred)) language = inferred;
                else throw new ArgumentException("Cannot tell the language: pass --lang python or --lang javascript.");
                string? input = stdinPath is null ? null
                    : stdinPath == "-" ? await Console.In.ReadToEndAsync(cancellationToken)
                    : await ReadFileAsync(stdinPath, cancellationToken);
                var limits = new ExecutionLimits
                {
                    Fuel = parse.GetValue(fuel),
                    MemoryBytes = parse.GetValue(memory) is { } mb ? mb * 1024L * 1024 : null,
                    Timeout = parse.GetValue(timeout) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                };

                if (!parse.GetValue(json)) CliConsole.PrepareStderr();
                await using var sandbox = CliSandbox.Create(parse.GetValue(store));
                string? sessionId = parse.GetValue(session);
                if (sessionId is not null)
                    await sandbox.Sessions.CreateAsync(new SessionOptions { Id = sessionId }, cancellationToken);
                var request = new ExecutionRequest(language, text)
                {
                    Stdin = input,
                    Limits = limits,
                    SessionId = sessionId,
                    JavaScriptModule = parse.GetValue(module),
                };
                string? artifacts = parse.GetValue(outDir);
                if (parse.GetValue(json))
                {
                    var result = await sandbox.ExecuteAsync(request, cancellationToken);
                    await sandbox.Sessions.FlushAsync(cancellationToken);
                    if (artifacts is not null) await Artifacts.WriteAsync(sandbox, result, artifacts, cancellationToken);
                    Console.Out.WriteLine(SandboxJson.Serialize(result, indented: true));
                    return result.IsSuccess ? 0 : 1;
                }
                else
                {
                    // For people: output as the program writes it, the summary once it ends.
                    var result = await ResultPrinter.StreamAsync(sandbox.ExecuteStreamingAsync(request, cancellationToken));
                    await sandbox.Sessions.FlushAsync(cancellationToken);
                    var written = artifacts is null ? [] : await Artifacts.WriteAsync(sandbox, result, artifacts, cancellationToken);
                    ResultPrinter.PrintSummary(result, written);
                    return result.IsSuccess ? 0 : 1;
                }
            });
            return command;
        }

        private static async Task<string> ReadFileAsync(string path, CancellationToken cancellationToken)
        {
            if (!File.Exists(path)) throw new ArgumentException($"File not found: {path}");
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw new ArgumentException($"{path} is not UTF-8 text.");
            }
        }
    }

    internal static class ResultPrinter
    {
        /// <summary>Writes each chunk to this process's stdout or stderr as it comes; returns the result.</summary>
        public static async Task<ExecutionResult> StreamAsync(IAsyncEnumerable<ExecutionEvent> events)
        {
            await foreach (var e in events)
            {
                switch (e)
                {
                    case OutputChunk { Stream: OutputStream.Stdout } chunk:
                        Console.Out.Write(chunk.Text);
                        Console.Out.Flush();
                        break;
                    case OutputChunk chunk:
                        Console.Out.Flush(); // what the program printed before this stays before it on a shared terminal
                        Console.Error.Write(chunk.Text);
                        Console.Error.Flush();
                        break;
                    case ExecutionCompleted done:
                        return done.Result;
                }
            }
            throw new InvalidOperationException("The sandbox ended the run without a result.");
        }

        /// <summary>After the streamed output: the last expression's value and the summary.</summary>
        public static void PrintSummary(ExecutionResult result, IReadOnlyList<string>? written = null)
        {
            // The last expression's value, as a REPL shows it, on its own line after what the program printed.
            if (result.Result is { } value)
                Console.Out.Write((result.Stdout.Length > 0 && !result.Stdout.EndsWith('\n') ? "\n" : "") + "Out: " + value + "\n");
            Console.Out.Flush();
            var err = CliConsole.Stderr;
            string colour = result.IsSuccess ? "green" : "red";
            var fuel = result.FuelAnalysis;
            err.MarkupLine($"[{colour}]{result.Outcome}[/] [grey]· {result.DurationMs:0.###} ms · fuel {result.FuelConsumed:N0} of {result.FuelBudget:N0}"
                + (fuel is null ? "" : $" ({fuel.UtilizationPercent}%, {fuel.Status.ToString().ToLowerInvariant()})")
                + $" · memory {result.PeakMemoryBytes / (1024.0 * 1024):0.#} MB[/]");
            foreach (var file in result.Files)
                err.MarkupLine($"[blue]{(file.Shown ? "shown" : file.Change.ToString().ToLowerInvariant())}:[/] {Markup.Escape(file.Path)} [grey]({Markup.Escape(file.MediaType)}, {file.Size:N0} bytes)[/]");
            foreach (string line in written ?? []) err.MarkupLine($"[blue]wrote:[/] {Markup.Escape(line)}");
            if (result.StdoutTruncated || result.StderrTruncated) err.MarkupLine("[yellow]output truncated at the limit[/]");
            if (result.Guidance is { } g)
            {
                err.MarkupLine($"[bold]{Markup.Escape(g.ErrorType)}[/]" + (g.Line is { } l ? $" at line {l}" : "") + $": {Markup.Escape(g.Message)}");
                if (g.CodeFrame is { } frame) err.WriteLine(frame, new Style(Color.Grey));
                err.MarkupLine($"[yellow]fix:[/] {Markup.Escape(g.Fix)}");
            }
            if (fuel is { SuggestedBudget: not null }) err.MarkupLine($"[yellow]fuel:[/] {Markup.Escape(fuel.Advice)}");
            foreach (string note in result.Notes) err.MarkupLine($"[blue]note:[/] {Markup.Escape(note)}");
        }
    }
}
