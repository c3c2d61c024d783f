using System.CommandLine;

namespace SkWasmPlugin.Mcp.Tests;

/// <summary>The <c>mcp</c> command line: what options it builds (nothing is served: the run is observed).</summary>
public sealed class CommandTests
{
    private static async Task<(int Exit, SkWasmMcpServerOptions? Options, string? Url)> ParseAsync(params string[] args)
    {
        SkWasmMcpServerOptions? seen = null;
        string? seenUrl = null;
        var root = new RootCommand("test");
        root.Subcommands.Add(SkWasmMcpCommand.Configure(new Command("mcp"), null, (options, url, _) =>
        {
            seen = options;
            seenUrl = url;
            return Task.CompletedTask;
        }));
        int exit = await SkWasmMcpCommand.InvokeAsync(root, ["mcp", .. args], "test");
        return (exit, seen, seenUrl);
    }

    [Fact]
    public async Task Per_principal_limits_default_to_the_options_defaults()
    {
        var (exit, options, url) = await ParseAsync("--http", "http://127.0.0.1:0");
        var defaults = new SkWasmMcpServerOptions();
        Assert.Equal(0, exit);
        Assert.Equal("http://127.0.0.1:0", url);
        Assert.Equal(defaults.MaxSessionsPerClient, options!.MaxSessionsPerClient);
        Assert.Equal(defaults.MaxConcurrentExecutionsPerClient, options.MaxConcurrentExecutionsPerClient);
    }

    [Fact]
    public async Task Per_principal_limits_are_set_from_the_command_line()
    {
        var (exit, options, url) = await ParseAsync("--http", "--max-sessions-per-client", "150", "--max-concurrent-executions-per-client", "64");
        Assert.Equal(0, exit);
        Assert.Equal(SkWasmMcpServer.DefaultHttpUrl, url);
        Assert.Equal(150, options!.MaxSessionsPerClient);
        Assert.Equal(64, options.MaxConcurrentExecutionsPerClient);
    }

    [Theory]
    [InlineData("--max-sessions-per-client", "0")]
    [InlineData("--max-concurrent-executions-per-client", "-1")]
    [InlineData("--max-concurrent-executions-per-client", "many")]
    public async Task A_limit_below_one_is_bad_usage(string option, string value)
    {
        var (exit, options, _) = await ParseAsync(option, value);
        Assert.Equal(2, exit);
        Assert.Null(options);
    }
}
