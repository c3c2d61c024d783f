using System.Collections.Concurrent;
using System.Diagnostics;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SkWasmPlugin.AI;

namespace SkWasmPlugin.Mcp.Tests;

/// <summary>A client that sends a progress token gets the program's output while the call runs.</summary>
[Collection(McpCollection.Name)]
public sealed class ProgressTests(McpFixture fixture)
{
    [Theory]
    [InlineData("http")]
    [InlineData("stdio")]
    public async Task Output_arrives_as_progress_notifications_while_the_call_runs(string transport)
    {
        await using var http = transport == "http" ? await fixture.ConnectHttpAsync() : null;
        McpClient client = http ?? fixture.Stdio;
        // Recorded by a session-wide handler: the SDK dispatches notifications on their own, so the per-call progress
        // callback may be dropped once the response is in, and order is given by the progress value, as MCP says.
        var clock = Stopwatch.StartNew();
        var seen = new ConcurrentQueue<(TimeSpan At, double Progress, string Message)>();
        await using var registration = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (n, _) =>
        {
            var p = n.Params!;
            seen.Enqueue((clock.Elapsed, (double)p["progress"]!, (string)p["message"]!));
            return ValueTask.CompletedTask;
        });
        var result = await client.CallToolAsync(ToolDescriptions.ExecuteCodeName, new Dictionary<string, object?>
        {
            ["language"] = "python",
            ["code"] = "import sys, time\nprint('first')\ntime.sleep(1.0)\nprint('oops', file=sys.stderr)\nprint('second')",
        }, new Progress<ProgressNotificationValue>(_ => { }));
        var done = clock.Elapsed;
        Assert.Equal("first\nsecond\n", result.Structured().GetProperty("stdout").GetString());

        for (int i = 0; i < 100 && seen.Count < 3; i++) await Task.Delay(20);
        var ordered = seen.OrderBy(s => s.Progress).ToList();
        Assert.Equal(["first\n", "[stderr] oops\n", "second\n"], ordered.Select(s => s.Message));
        // Over HTTP the server writes each notification into the response's event stream as the output comes (seen with
        // curl -N), but the C# client hands them on only with the response; over the stream transport they arrive live.
        if (transport == "stdio")
            Assert.True(ordered[0].At < done - TimeSpan.FromMilliseconds(500), $"first chunk at {ordered[0].At}, result at {done}");
    }

    [Fact]
    public async Task Without_a_progress_token_no_notification_is_sent()
    {
        int notified = 0;
        await using var registration = fixture.Stdio.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (_, _) =>
        {
            Interlocked.Increment(ref notified);
            return ValueTask.CompletedTask;
        });
        var result = await fixture.Stdio.CallToolAsync(ToolDescriptions.ExecuteCodeName,
            new Dictionary<string, object?> { ["language"] = "javascript", ["code"] = "console.log('x')" });
        Assert.Equal("x\n", result.Structured().GetProperty("stdout").GetString());
        await Task.Delay(100);
        Assert.Equal(0, notified);
    }
}
