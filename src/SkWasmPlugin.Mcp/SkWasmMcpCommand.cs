using System.CommandLine;

namespace SkWasmPlugin.Mcp;

/// <summary>The command-line surface shared by <c>skwasm-mcp</c> and <c>skwasm mcp</c>.</summary>
public static class SkWasmMcpCommand
{
    /// <summary>
    /// Adds <c>--http [URL]</c>, <c>--token</c>, <c>--allow-remote</c>, <c>--max-sessions-per-client</c> and
    /// <c>--max-concurrent-executions-per-client</c> to <paramref name="command"/> and sets its action.
    /// </summary>
    public static Command Configure(Command command, Option<string?>? store) =>
        Configure(command, store, async (options, url, cancellationToken) =>
        {
            if (url is not null)
                await SkWasmMcpServer.RunHttpAsync(url, options, cancellationToken).ConfigureAwait(false);
            else
                await SkWasmMcpServer.RunStdioAsync(options, cancellationToken).ConfigureAwait(false);
        });

    /// <summary>The same, with what runs the server given (tests observe the options a command line builds).</summary>
    internal static Command Configure(Command command, Option<string?>? store, Func<SkWasmMcpServerOptions, string?, CancellationToken, Task> run)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(run);
        var defaults = new SkWasmMcpServerOptions();
        var http = new Option<string?>("--http")
        {
            Description = $"Serve streamable HTTP instead of stdio, at URL (default {SkWasmMcpServer.DefaultHttpUrl}).",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "URL",
        };
        var token = new Option<string?>("--token")
        {
            HelpName = "TOKEN",
            Description = $"HTTP: bearer token every request must carry (default: ${SkWasmMcpServerOptions.TokenEnvironmentVariable}).",
        };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "HTTP: allow a non-loopback address (requires a token)." };
        // Limits count per principal: the token, or without one the remote address, so every local client shares them.
        var maxSessions = new Option<int>("--max-sessions-per-client")
        {
            HelpName = "N",
            Description = $"HTTP: most sandbox sessions one principal (a token, or a remote address without one) may own at once (default {defaults.MaxSessionsPerClient}).",
            DefaultValueFactory = _ => defaults.MaxSessionsPerClient,
        };
        var maxExecutions = new Option<int>("--max-concurrent-executions-per-client")
        {
            HelpName = "N",
            Description = $"HTTP: most executions one principal may have running at once; more get a tool error (default {defaults.MaxConcurrentExecutionsPerClient}).",
            DefaultValueFactory = _ => defaults.MaxConcurrentExecutionsPerClient,
        };
        AtLeastOne(maxSessions);
        AtLeastOne(maxExecutions);
        command.Options.Add(http);
        command.Options.Add(token);
        command.Options.Add(allowRemote);
        command.Options.Add(maxSessions);
        command.Options.Add(maxExecutions);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SkWasmMcpServerOptions
            {
                StoragePath = store is null ? null : parse.GetValue(store),
                AllowRemote = parse.GetValue(allowRemote),
                Token = NullIfEmpty(parse.GetValue(token)) ?? NullIfEmpty(Environment.GetEnvironmentVariable(SkWasmMcpServerOptions.TokenEnvironmentVariable)),
                MaxSessionsPerClient = parse.GetValue(maxSessions),
                MaxConcurrentExecutionsPerClient = parse.GetValue(maxExecutions),
            };
            string? url = parse.GetResult(http) is null ? null : parse.GetValue(http) ?? SkWasmMcpServer.DefaultHttpUrl;
            await run(options, url, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>Parses and runs a root command: exit 0 normally, 2 for bad usage or a start-up error (message on stderr).</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, string name)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"{name}: {error.Message}");
            Console.Error.WriteLine($"Try '{name} --help'.");
            return 2;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidOperationException or UnauthorizedAccessException
                                       or Microsoft.Extensions.Options.OptionsValidationException)
        {
            Console.Error.WriteLine($"{name}: {ex.Message}");
            return 2;
        }
    }

    // Checked on the token: a value that is not a number is reported by the parser itself.
    private static void AtLeastOne(Option<int> option) =>
        option.Validators.Add(r =>
        {
            if (r.Tokens is [var value] && int.TryParse(value.Value, System.Globalization.CultureInfo.InvariantCulture, out int n) && n < 1)
                r.AddError($"{option.Name} must be at least 1.");
        });

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
