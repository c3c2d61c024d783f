using System.CommandLine;

namespace SkWasmPlugin.Mcp;

/// <summary>The command-line surface shared by <c>skwasm-mcp</c> and <c>skwasm mcp</c>.</summary>
public static class SkWasmMcpCommand
{
    /// <summary>Adds <c>--http [URL]</c>, <c>--token</c> and <c>--allow-remote</c> to <paramref name="command"/> and sets its action.</summary>
    public static Command Configure(Command command, Option<string?>? store)
    {
        ArgumentNullException.ThrowIfNull(command);
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
        command.Options.Add(http);
        command.Options.Add(token);
        command.Options.Add(allowRemote);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SkWasmMcpServerOptions
            {
                StoragePath = store is null ? null : parse.GetValue(store),
                AllowRemote = parse.GetValue(allowRemote),
                Token = NullIfEmpty(parse.GetValue(token)) ?? NullIfEmpty(Environment.GetEnvironmentVariable(SkWasmMcpServerOptions.TokenEnvironmentVariable)),
            };
            if (parse.GetResult(http) is not null)
                await SkWasmMcpServer.RunHttpAsync(parse.GetValue(http) ?? SkWasmMcpServer.DefaultHttpUrl, options, cancellationToken).ConfigureAwait(false);
            else
                await SkWasmMcpServer.RunStdioAsync(options, cancellationToken).ConfigureAwait(false);
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

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
