using System.Text;
using Microsoft.Extensions.AI;
using SkWasmPlugin.AI;

#pragma warning disable MEAI001 // the hosted-file APIs are M.E.AI evaluation APIs; these tests use them on purpose

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>An app written for a provider's hosted code interpreter, run locally by adding UseWasmCodeInterpreter.</summary>
[Collection(SandboxCollection.Name)]
public sealed class HostedCodeInterpreterTests(SandboxFixture fixture)
{
    private const string Csv = "region,units\nNorth,120\nSouth,80\nEast,150\n";

    private static ChatOptions HostedOptions(string? conversation, params AIContent[] inputs) => new()
    {
        ConversationId = conversation,
        Tools = [new HostedCodeInterpreterTool { Inputs = [.. inputs] }],
    };

    [Fact]
    public async Task The_hosted_tool_runs_in_a_session_of_the_conversation_and_reports_code_output_images_and_files()
    {
        var scripted = new ScriptedChatClient()
            .CallTool("execute_python", new Dictionary<string, object?>
            {
                ["code"] = """
                    import csv, pygal
                    rows = list(csv.DictReader(open('sales.csv')))
                    total = sum(int(r['units']) for r in rows)
                    chart = pygal.Bar(width=300, height=200)
                    chart.add('units', [int(r['units']) for r in rows])
                    chart.render_to_file('chart.svg')
                    print('total', total)
                    """,
            })
            .Reply("The total is 350.")
            .CallTool("execute_python", new Dictionary<string, object?> { ["code"] = "total * 2", ["sessionId"] = "someone-elses" })
            .Reply("Twice that is 700.");
        using var client = new ChatClientBuilder(scripted).UseWasmCodeInterpreter(fixture.Sandbox).Build();

        var options = HostedOptions("conv-1", new DataContent(Encoding.UTF8.GetBytes(Csv), "text/csv") { Name = "sales.csv" });
        var response = await client.GetResponseAsync("Total units, with a chart.", options);

        // The model saw our tools, bound to the session (no sessionId parameter), and not the hosted marker.
        var sent = scripted.Requests[0].Options!.Tools!;
        Assert.DoesNotContain(sent, t => t is HostedCodeInterpreterTool);
        var python = Assert.IsAssignableFrom<AIFunction>(Assert.Single(sent, t => t.Name == "execute_python"));
        Assert.False(python.JsonSchema.GetProperty("properties").TryGetProperty("sessionId", out _));

        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        var call = Assert.Single(contents.OfType<CodeInterpreterToolCallContent>());
        Assert.Contains("csv.DictReader", Encoding.UTF8.GetString(Assert.IsType<DataContent>(Assert.Single(call.Inputs!)).Data.Span));
        var result = Assert.Single(contents.OfType<CodeInterpreterToolResultContent>());
        Assert.Equal(call.CallId, result.CallId);
        Assert.Contains("total 350", result.Outputs!.OfType<TextContent>().First().Text);
        Assert.Equal("image/png", Assert.Single(result.Outputs!.OfType<DataContent>()).MediaType);
        var chart = Assert.Single(result.Outputs!.OfType<HostedFileContent>());
        Assert.Equal("chart.svg", chart.FileId);
        Assert.DoesNotContain(contents, c => c is FunctionCallContent or FunctionResultContent);
        Assert.Equal("The total is 350.", response.Text);

        // The file is downloadable from the session the hosted-file content names.
        using var files = new WasmSessionFileClient(fixture.Sandbox);
        await using var download = await files.DownloadAsync(chart.FileId, new HostedFileClientOptions { Scope = chart.Scope });
        Assert.Contains("<svg", new StreamReader(download).ReadToEnd());
        Assert.Contains(await files.ListFilesAsync(new HostedFileClientOptions { Scope = chart.Scope }).ToListAsync(), f => f.FileId == "sales.csv");

        // The same conversation keeps its interpreter state; a session id the model makes up reaches nothing else.
        var next = await client.GetResponseAsync("And twice that?", HostedOptions("conv-1"));
        var second = Assert.Single(next.Messages.SelectMany(m => m.Contents).OfType<CodeInterpreterToolResultContent>());
        Assert.Contains("700", second.Outputs!.OfType<TextContent>().First().Text);
    }

    [Fact]
    public async Task Without_a_conversation_a_response_gets_its_own_session_dropped_when_it_leaves_no_files()
    {
        int before = (await fixture.Sandbox.Sessions.ListAsync()).Count;
        var scripted = new ScriptedChatClient()
            .CallTool("execute_javascript", new Dictionary<string, object?> { ["code"] = "console.log(6 * 7)" })
            .Reply("42");
        using var client = new ChatClientBuilder(scripted).UseWasmCodeInterpreter(fixture.Sandbox).Build();
        var response = await client.GetResponseAsync("6 times 7?", HostedOptions(null));
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<CodeInterpreterToolResultContent>());
        Assert.Equal("42\n", result.Outputs!.OfType<TextContent>().First().Text);
        Assert.Equal(before, (await fixture.Sandbox.Sessions.ListAsync()).Count);
    }

    [Fact]
    public async Task Requests_without_the_hosted_tool_pass_through_untouched()
    {
        var scripted = new ScriptedChatClient().Reply("hello");
        using var client = new ChatClientBuilder(scripted).UseWasmCodeInterpreter(fixture.Sandbox).Build();
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "one")] };
        Assert.Equal("hello", (await client.GetResponseAsync("hi", options)).Text);
        Assert.Equal(["one"], scripted.Requests[0].Options!.Tools!.Select(t => t.Name));
    }
}
