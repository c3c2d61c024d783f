using System.Net;
using SkWasmPlugin.AI;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class RepairLoopTests(SandboxFixture fixture)
{
    private static string Py(string code) => "```python\n" + code + "\n```";

    private static CodeRepairOptions Options(Action<CodeRepairOptions>? more = null)
    {
        var o = new CodeRepairOptions { RetryBaseDelay = TimeSpan.Zero };
        more?.Invoke(o);
        return o;
    }

    [Fact]
    public async Task Repairs_a_NameError_on_the_second_attempt_with_guidance_in_the_prompt()
    {
        var chat = new ScriptedChatClient()
            .Reply(Py("total = 0\nfor n in range(5):\n    total += n\nprint(totl)"))
            .Reply(Py("total = 0\nfor n in range(5):\n    total += n\nprint(total)"));
        var loop = new CodeRepairLoop(chat, fixture.Sandbox, Options());

        var result = await loop.RunAsync(new CodeRepairTask("Sum 0..4 and print it.", Language.Python) { ExpectedOutput = "10" });

        Assert.Equal(RepairVerdict.Succeeded, result.Verdict);
        Assert.Equal(2, result.Attempts.Count);
        Assert.Equal("NameError", result.Attempts[0].Guidance!.ErrorType);
        string repairPrompt = chat.Requests[1].Messages[^1].Text;
        Assert.Contains("NameError at line 4", repairPrompt);
        Assert.Contains("Did you mean 'total'?", repairPrompt);
        Assert.Contains("print(totl)", repairPrompt);
        Assert.Equal("10\n", result.Attempts[1].Result!.Stdout);
    }

    /// <summary>About 110 million instructions of work.</summary>
    private const string Heavy = "s = 0\nfor i in range(60_000):\n    s += i\nprint(s)";

    [Theory]
    // The work is about 110 M instructions; the budget that passes is 160 M in every case, leaving more than the
    // soft stop's early margin (about 1.5 epoch ticks of work plus its reserve, up to ~30 M here).
    [InlineData(80_000_000L, 1)]   // needs about 2x its first budget
    [InlineData(40_000_000L, 2)]   // about 4x
    [InlineData(20_000_000L, 3)]   // about 8x
    public async Task A_task_that_only_needs_more_fuel_passes_within_one_model_call(long initial, int reruns)
    {
        var chat = new ScriptedChatClient().Reply(Py(Heavy));
        var loop = new CodeRepairLoop(chat, fixture.Sandbox, Options(o => { o.InitialFuel = initial; o.FuelCeiling = 1_000_000_000; }));

        var result = await loop.RunAsync(new CodeRepairTask("Sum the first 60,000 integers.", Language.Python) { ExpectedOutput = "1799970000" });

        Assert.True(result.Succeeded, string.Join(" | ", result.History));
        Assert.Single(chat.Requests);
        Assert.Equal(reruns, result.Attempts[0].FuelReruns);
        Assert.Contains(result.History, h => h.Contains("ran the same code again with", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_true_endless_loop_still_reaches_the_model_with_loops_forever_advice()
    {
        var chat = new ScriptedChatClient().Reply(Py("n = 0\nwhile True:\n    n += 1")).Reply(Py("print('fixed')"));
        var loop = new CodeRepairLoop(chat, fixture.Sandbox, Options(o => { o.InitialFuel = 20_000_000; o.FuelCeiling = 200_000_000; }));

        var result = await loop.RunAsync(new CodeRepairTask("Print fixed.", Language.Python) { ExpectedOutput = "fixed" });

        Assert.True(result.Succeeded);
        Assert.Equal(2, chat.Requests.Count);
        Assert.True(result.Attempts[0].FuelReruns > 0);
        Assert.Contains("loops forever", chat.Requests[1].Messages[^1].Text);
    }

    [Fact]
    public async Task Fuel_is_raised_no_further_than_the_ceiling()
    {
        var capped = new CodeRepairLoop(new ScriptedChatClient().Reply(Py(Heavy)).Reply(Py(Heavy + " #")), fixture.Sandbox,
            Options(o => { o.InitialFuel = 50_000_000; o.FuelCeiling = 75_000_000; o.MaxAttempts = 2; }));
        var result = await capped.RunAsync(new CodeRepairTask("Sum.", Language.Python));
        Assert.Equal([75_000_000L, 75_000_000L], result.Attempts.Select(a => a.FuelBudget)); // 100M suggested, capped
        Assert.Contains(result.History, h => h.Contains("at the ceiling (75,000,000)", StringComparison.Ordinal));
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task Stops_when_the_same_code_fails_the_same_way_twice()
    {
        var chat = new ScriptedChatClient().Reply(Py("print(1/0)")).Reply(Py("print(1/0)")).Reply(Py("print(1)"));
        var loop = new CodeRepairLoop(chat, fixture.Sandbox, Options(o => o.MaxAttempts = 5));

        var result = await loop.RunAsync(new CodeRepairTask("Print something.", Language.Python));

        Assert.Equal(RepairVerdict.SameErrorRepeated, result.Verdict);
        Assert.Equal(2, result.Attempts.Count);
        Assert.Equal(2, chat.Requests.Count);
    }

    [Fact]
    public async Task Approval_refusal_stops_the_loop_and_runs_nothing()
    {
        var chat = new ScriptedChatClient().Reply(Py("import os\nprint(os.listdir('/'))"));
        var seen = new List<CodeApprovalRequest>();
        var loop = new CodeRepairLoop(chat, fixture.Sandbox, Options(o => o.ApprovalHandler = r => { seen.Add(r); return ValueTask.FromResult(false); }));

        var result = await loop.RunAsync(new CodeRepairTask("List the root folder.", Language.Python));

        Assert.Equal(RepairVerdict.Refused, result.Verdict);
        Assert.Null(result.Attempts.Single().Result);
        Assert.Contains("os.listdir", Assert.Single(seen).Code);
    }

    [Fact]
    public async Task Transient_429_is_retried_but_a_bad_request_is_not()
    {
        var chat = new ScriptedChatClient()
            .Throw(new HttpRequestException("rate limited", null, HttpStatusCode.TooManyRequests))
            .Throw(new HttpRequestException("server error", null, HttpStatusCode.BadGateway))
            .Reply(Py("print('ok')"));
        var result = await new CodeRepairLoop(chat, fixture.Sandbox, Options()).RunAsync(new CodeRepairTask("Print ok.", Language.Python) { ExpectedOutput = "ok" });
        Assert.True(result.Succeeded);
        Assert.Equal(3, chat.Requests.Count);

        var bad = new ScriptedChatClient().Throw(new HttpRequestException("bad request", null, HttpStatusCode.BadRequest)).Reply(Py("print('never')"));
        await Assert.ThrowsAsync<HttpRequestException>(() => new CodeRepairLoop(bad, fixture.Sandbox, Options()).RunAsync(new CodeRepairTask("x", Language.Python)));
        Assert.Single(bad.Requests);
    }

    [Fact]
    public async Task Wrong_output_is_reported_back_and_JavaScript_works_too()
    {
        var chat = new ScriptedChatClient()
            .Reply("```js\nconsole.log(readStdin().trim().split('').join(''))\n```")
            .Reply("```javascript\nconsole.log(readStdin().trim().split('').reverse().join(''))\n```");
        var result = await new CodeRepairLoop(chat, fixture.Sandbox, Options())
            .RunAsync(new CodeRepairTask("Reverse the input string.", Language.JavaScript) { Stdin = "abc\n", ExpectedOutput = "cba" });
        Assert.True(result.Succeeded);
        Assert.Contains("Expected:\ncba\nGot:\nabc", chat.Requests[1].Messages[^1].Text);
    }

    [Theory]
    [InlineData("```python\nprint(1)\n```", "print(1)")]
    [InlineData("Here you go:\n```py\nx = 1\nprint(x)\n```\nDone.", "x = 1\nprint(x)")]
    [InlineData("print(2)", "print(2)")]
    public void Extracts_code_from_replies(string reply, string expected) =>
        Assert.Equal(expected, CodeRepairLoop.ExtractCode(reply));
}
