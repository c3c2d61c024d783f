using System.Globalization;
using Orleans.TestingHost;
using SkWasmPlugin.Sandbox;
using Xunit.Abstractions;

namespace SkWasmPlugin.Orleans.Tests;

public sealed class ClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ClusterFixture _fixture = new();

    private ClusterCodeSandbox Sandbox => _fixture.Sandbox;

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private Task<ExecutionResult> Run(string code, string? session = null) =>
        Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code) { SessionId = session });

    private Task<string> SiloOf(string session) =>
        _fixture.Cluster.Client.GetGrain<ISandboxSessionGrain>(session).GetSiloAsync();

    [Fact]
    public async Task Three_silos_host_300_sessions_and_no_session_reads_another()
    {
        var ids = new string[300];
        await Parallel.ForAsync(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            ids[i] = (await Sandbox.Sessions.CreateAsync(cancellationToken: ct)).Id;
            var set = await Run($"secret = 'secret-{i}'\nopen('mine.txt', 'w').write(secret)", ids[i]);
            Assert.True(set.IsSuccess, set.Stderr);
        });
        var silos = new HashSet<string>();
        await Parallel.ForAsync(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var read = await Run(
                "import os\nprint(secret, open('mine.txt').read(), sorted(os.listdir('/app')), "
                + "[k for k in globals() if k.startswith('secret') and k != 'secret'])", ids[i]);
            Assert.Equal($"secret-{i} secret-{i} ['mine.txt'] []\n", read.Stdout);
            string silo = await SiloOf(ids[i]);
            lock (silos) silos.Add(silo);
        });
        output.WriteLine($"300 sessions on {silos.Count} silos");
        Assert.True(silos.Count >= 2, "the sessions all landed on one silo");
        var stateless = await Run("print('secret' in globals())");
        Assert.Equal("False\n", stateless.Stdout);
    }

    [Fact]
    public async Task A_killed_silo_s_sessions_answer_elsewhere_from_their_last_checkpoint_without_the_killed_call()
    {
        var cluster = _fixture.Cluster;
        // A session whose grain lives on a silo other than the first (so the cluster keeps its first silo).
        string id = "";
        string victimSilo = "";
        for (int i = 0; i < 40 && victimSilo == ""; i++)
        {
            string candidate = (await Sandbox.Sessions.CreateAsync()).Id;
            string silo = await SiloOf(candidate);
            if (silo != cluster.Silos[0].SiloAddress.ToString() && !silo.Contains(cluster.Silos[0].SiloAddress.ToString(), StringComparison.Ordinal))
            {
                id = candidate;
                victimSilo = silo;
            }
        }
        Assert.NotEqual("", id);
        Assert.True((await Run("x = 1\nopen('keep.txt', 'w').write('kept')", id)).IsSuccess);
        await Sandbox.Sessions.FlushAsync(id);

        var victim = cluster.Silos.Single(s => victimSilo.Contains(s.SiloAddress.ToString(), StringComparison.Ordinal));
        using var abandon = new CancellationTokenSource(TimeSpan.FromSeconds(20)); // the caller's own deadline: see the deployment notes
        var killed = Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "x = 99\nwhile True:\n    pass")
        {
            SessionId = id,
            Limits = new ExecutionLimits { Timeout = TimeSpan.FromSeconds(8) },
        }, abandon.Token);
        await Task.Delay(500);
        await _fixture.CrashStorageOf(victim);
        await cluster.KillSiloAsync(victim);
        try
        {
            var late = await killed;
            output.WriteLine($"the killed call answered: {late.Outcome}");
        }
        catch (Exception ex)
        {
            output.WriteLine($"the killed call failed: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
        }
        await cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        var after = await Run("print(x, open('keep.txt').read())", id);
        Assert.Equal("1 kept\n", after.Stdout);
        Assert.DoesNotContain(victim.SiloAddress.ToString(), await SiloOf(id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rolling_restart_of_every_silo_loses_no_session_and_answers_no_call_twice()
    {
        var cluster = _fixture.Cluster;
        var ids = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            string id = (await Sandbox.Sessions.CreateAsync()).Id;
            Assert.True((await Run("log = []", id)).IsSuccess);
            ids.Add(id);
        }
        var acked = ids.ToDictionary(id => id, _ => new List<string>());
        int failed = 0, unanswered = 0;
        using var stop = new CancellationTokenSource();
        var callers = ids.Select(id => Task.Run(async () =>
        {
            for (int n = 0; !stop.IsCancellationRequested; n++)
            {
                string token = $"t{n}";
                // A call is given up after 20 s (the test's bound, not the sandbox's): counted, never retried.
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    var r = await Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python,
                        $"log.append('{token}')\nopen('log.txt', 'a').write('{token}\\n')") { SessionId = id }, bound.Token);
                    if (r.IsSuccess) lock (acked) acked[id].Add(token);
                    else Interlocked.Increment(ref failed);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref unanswered);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failed);
                    await Task.Delay(100);
                }
                await Task.Delay(10);
            }
        })).ToList();

        foreach (var old in cluster.Silos.ToList())
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await cluster.StartAdditionalSiloAsync();
            await Task.Delay(300);
            long started = clock.ElapsedMilliseconds;
            await cluster.StopSiloAsync(old);
            output.WriteLine($"silo {old.Name}: new silo started in {started} ms, stopped in {clock.ElapsedMilliseconds - started} ms");
            await Task.Delay(300);
        }
        stop.Cancel();
        await Task.WhenAll(callers);
        output.WriteLine($"{acked.Values.Sum(a => a.Count)} calls answered, {failed} failed during the restart, {unanswered} unanswered after 20 s");

        foreach (string id in ids)
        {
            var r = await Run("import json\nprint(json.dumps([log, open('log.txt').read().split()]))", id);
            Assert.True(r.IsSuccess, r.Stderr);
            var both = System.Text.Json.JsonSerializer.Deserialize<List<List<string>>>(r.Stdout)!;
            foreach (var seen in both)
            {
                Assert.Equal(seen.Count, seen.Distinct().Count()); // no call ran twice
                foreach (string token in acked[id]) Assert.Contains(token, seen); // no answered call lost
            }
        }
    }

    [Fact]
    public async Task Results_cross_the_wire_whole()
    {
        string id = (await Sandbox.Sessions.CreateAsync(new SessionOptions { Metadata = new Dictionary<string, string> { ["owner"] = "t" } })).Id;
        const string Svg = "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>";
        var drawn = await Run($"open('a.svg', 'w').write(\"{Svg}\")\nopen('b.txt', 'w').write('hi')\n1 + 1", id);
        Assert.Equal("2", drawn.Result);
        Assert.True(drawn.Duration > TimeSpan.Zero && drawn.PeakMemoryBytes > 0 && drawn.FuelAnalysis is { Consumed: > 0 });
        Assert.Equal(["a.svg", "b.txt"], drawn.Files.Select(f => f.Path).Order());
        var svg = drawn.Files.Single(f => f.Path == "a.svg");
        Assert.Equal("image/svg+xml", svg.MediaType);
        Assert.Equal(Svg, System.Text.Encoding.UTF8.GetString(svg.Content!)); // hidden from the model's JSON, kept on the wire

        var failed = await Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "x = 1\nundefined_name")
        {
            SessionId = id,
            Limits = new ExecutionLimits { Fuel = 100_000_000, Timeout = TimeSpan.FromSeconds(5) },
        });
        Assert.Equal(ExecutionOutcome.Error, failed.Outcome);
        Assert.Equal(2, failed.Guidance?.Line);
        Assert.Equal(100_000_000, failed.FuelBudget);

        var info = (await Sandbox.Sessions.GetAsync(id))!;
        Assert.Equal("t", info.Metadata["owner"]);
        var workspace = await Sandbox.Sessions.GetWorkspaceInfoAsync(id);
        Assert.Equal(2, workspace.FileCount);
        Assert.Equal("hi", System.Text.Encoding.UTF8.GetString((await Sandbox.Sessions.ReadFileAsync(id, "b.txt", 10)).Content.Span));
        var events = new List<ExecutionEvent>();
        await foreach (var e in Sandbox.ExecuteStreamingAsync(new ExecutionRequest(Language.Python, "print('a')\nprint('b')") { SessionId = id }))
            events.Add(e);
        Assert.Equal("a\nb\n", string.Concat(events.OfType<OutputChunk>().Select(c => c.Text)));
        Assert.Equal("a\nb\n", Assert.IsType<ExecutionCompleted>(events[^1]).Result.Stdout);
    }

    [Fact]
    public async Task Cancelling_a_call_on_the_client_stops_it_on_its_silo()
    {
        string id = (await Sandbox.Sessions.CreateAsync()).Id;
        Assert.True((await Run("x = 1", id)).IsSuccess);
        await Sandbox.Sessions.FlushAsync(id); // x = 1 is the last good checkpoint
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var request = new ExecutionRequest(Language.Python, "x = 2\nwhile True:\n    pass")
        {
            SessionId = id,
            Limits = new ExecutionLimits { Timeout = TimeSpan.FromSeconds(60), Fuel = 40_000_000_000 },
        };
        try
        {
            var r = await Sandbox.ExecuteAsync(request, cancel.Token);
            Assert.Equal(ExecutionOutcome.Cancelled, r.Outcome);
        }
        catch (OperationCanceledException)
        {
        }
        // The silo stopped the guest: the session answers at once, from before the cancelled call.
        var after = await Run("print(x)", id);
        output.WriteLine($"cancelled and answered again after {clock.ElapsedMilliseconds} ms");
        Assert.Equal("1\n", after.Stdout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{clock.Elapsed}: the guest ran on after the cancel");
    }

    [Fact]
    public async Task Bad_input_gets_clear_errors()
    {
        var unknown = await Assert.ThrowsAsync<SessionNotFoundException>(() => Run("print(1)", "s-does-not-exist"));
        output.WriteLine(unknown.Message);
        Assert.Contains("s-does-not-exist", unknown.Message, StringComparison.Ordinal);
        Assert.Null(await Sandbox.Sessions.GetAsync("s-does-not-exist"));
        await Assert.ThrowsAsync<ArgumentException>(() => Run("print(1)", "../etc"));
        await Assert.ThrowsAsync<ArgumentException>(() => Sandbox.Sessions.CreateAsync(new SessionOptions { Id = "bad id" }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Sandbox.ExecuteAsync(new ExecutionRequest((Language)7, "1")));
        Assert.False(await Sandbox.Sessions.DestroyAsync("s-does-not-exist"));

        string id = (await Sandbox.Sessions.CreateAsync()).Id;
        Assert.True((await Run("x = 1", id)).IsSuccess);
        var slow = Run("import time\nfor _ in range(100):\n    time.sleep(0.05)", id);
        await Task.Delay(300);
        Assert.True(await Sandbox.Sessions.DestroyAsync(id));
        try
        {
            var r = await slow;
            output.WriteLine($"the call running during destroy: {r.Outcome}");
            Assert.False(r.IsSuccess);
        }
        catch (SessionNotFoundException)
        {
        }
        await Assert.ThrowsAsync<SessionNotFoundException>(() => Run("print(x)", id));
        Assert.Null(await Sandbox.Sessions.GetAsync(id));
    }
}
