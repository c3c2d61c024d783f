using System.Diagnostics;
using System.Text;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class StreamingTests(SandboxFixture fixture)
{
    private readonly WasmCodeSandbox _sandbox = fixture.Sandbox;

    private static async Task<(List<OutputChunk> Chunks, ExecutionResult Result)> Collect(IAsyncEnumerable<ExecutionEvent> events)
    {
        var chunks = new List<OutputChunk>();
        ExecutionResult? result = null;
        await foreach (var e in events)
        {
            Assert.Null(result); // nothing after the completion
            switch (e)
            {
                case OutputChunk chunk:
                    Assert.NotEmpty(chunk.Text);
                    chunks.Add(chunk);
                    break;
                case ExecutionCompleted done:
                    result = done.Result;
                    break;
            }
        }
        Assert.NotNull(result);
        return (chunks, result);
    }

    private static string Joined(IEnumerable<OutputChunk> chunks, OutputStream stream) =>
        string.Concat(chunks.Where(c => c.Stream == stream).Select(c => c.Text));

    /// <summary>
    /// The program waits, up to its time limit, for a file the test writes only once it has seen the first chunk:
    /// it can only succeed if output reaches the consumer while it runs.
    /// </summary>
    [Theory]
    [InlineData(Language.Python, "import os, time\nprint('ready')\nwhile not os.path.exists('/app/go'):\n    time.sleep(0.01)\nprint('done')")]
    [InlineData(Language.JavaScript, "console.log('ready');\nwhile (!fs.existsSync('/app/go')) {}\nconsole.log('done');")]
    public async Task Output_reaches_the_consumer_while_a_session_call_runs(Language language, string code)
    {
        string id = (await _sandbox.Sessions.CreateAsync()).Id;
        string go = Path.Combine(fixture.Root, "sessions", id, "workspace", "go");
        var request = new ExecutionRequest(language, code) { SessionId = id, Limits = new ExecutionLimits { Timeout = TimeSpan.FromSeconds(20) } };
        var chunks = new List<OutputChunk>();
        ExecutionResult? result = null;
        await foreach (var e in _sandbox.ExecuteStreamingAsync(request))
        {
            if (e is OutputChunk chunk)
            {
                chunks.Add(chunk);
                if (chunks.Count == 1)
                {
                    Assert.Equal(new OutputChunk(OutputStream.Stdout, "ready\n"), chunk);
                    await File.WriteAllTextAsync(go, "");
                }
            }
            else
            {
                result = ((ExecutionCompleted)e).Result;
            }
        }
        Assert.NotNull(result);
        Assert.Equal(ExecutionOutcome.Success, result.Outcome);
        Assert.Equal("ready\ndone\n", result.Stdout);
        Assert.Equal(result.Stdout, Joined(chunks, OutputStream.Stdout));
        Assert.Equal(id, result.SessionId);
    }

    [Fact]
    public async Task A_stateless_python_call_streams_its_first_line_before_it_sleeps()
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null, completed = null;
        var chunks = new List<OutputChunk>();
        await foreach (var e in _sandbox.ExecuteStreamingAsync(new ExecutionRequest(Language.Python, "import time\nprint('one')\ntime.sleep(0.3)\nprint('two')")))
        {
            if (e is OutputChunk chunk)
            {
                chunks.Add(chunk);
                first ??= clock.Elapsed;
            }
            else
            {
                completed = clock.Elapsed;
                Assert.Equal("one\ntwo\n", ((ExecutionCompleted)e).Result.Stdout);
            }
        }
        Assert.Equal("one\n", chunks[0].Text);
        Assert.Equal("one\ntwo\n", Joined(chunks, OutputStream.Stdout));
        // The guest sleeps 300 ms between the lines; a first chunk that came with the result would be ~0 ms before it.
        Assert.True(completed - first >= TimeSpan.FromMilliseconds(200), $"first chunk at {first}, result at {completed}");
    }

    [Fact]
    public async Task Stdout_and_stderr_interleave_in_the_order_written_and_add_up_to_the_result()
    {
        var (chunks, result) = await Collect(_sandbox.ExecuteStreamingAsync(new ExecutionRequest(Language.Python,
            "import sys\nfor i in range(3):\n    print('out', i)\n    print('err', i, file=sys.stderr)\nraise ValueError('boom')")));
        Assert.Equal(ExecutionOutcome.Error, result.Outcome);
        Assert.Equal(result.Stdout, Joined(chunks, OutputStream.Stdout));
        Assert.Equal(result.Stderr, Joined(chunks, OutputStream.Stderr));
        Assert.Contains("ValueError: boom", result.Stderr);
        var lines = chunks.Take(6).Select(c => (c.Stream, c.Text)).ToList();
        Assert.Equal(
            [(OutputStream.Stdout, "out 0\n"), (OutputStream.Stderr, "err 0\n"), (OutputStream.Stdout, "out 1\n"),
             (OutputStream.Stderr, "err 1\n"), (OutputStream.Stdout, "out 2\n"), (OutputStream.Stderr, "err 2\n")], lines);
    }

    [Fact]
    public async Task Ten_megabytes_of_output_stream_only_up_to_the_cap_and_a_slow_consumer_still_gets_all_of_it()
    {
        var limits = new ExecutionLimits { MaxStdoutBytes = 100_000 };
        var chunks = new List<OutputChunk>();
        ExecutionResult? result = null;
        await foreach (var e in _sandbox.ExecuteStreamingAsync(new ExecutionRequest(Language.Python,
            "for i in range(200_000):\n    print('x' * 49)") { Limits = limits }))
        {
            if (e is OutputChunk chunk)
            {
                chunks.Add(chunk);
                if (chunks.Count == 1) await Task.Delay(300); // the guest fills the channel meanwhile and must not wait
            }
            else
            {
                result = ((ExecutionCompleted)e).Result;
            }
        }
        Assert.NotNull(result);
        Assert.Equal(ExecutionOutcome.OutputLimitExceeded, result.Outcome);
        Assert.True(result.StdoutTruncated);
        string streamed = Joined(chunks, OutputStream.Stdout);
        Assert.Equal(100_000, Encoding.UTF8.GetByteCount(streamed));
        Assert.Equal(result.Stdout, streamed);
        // The host's note on why the program stopped comes as the last stderr chunk.
        Assert.Equal(result.Stderr, Joined(chunks, OutputStream.Stderr));
        Assert.Contains("more output than allowed", result.Stderr);
    }

    [Fact]
    public async Task JavaScript_streams_console_log_and_console_error()
    {
        var (chunks, result) = await Collect(_sandbox.ExecuteStreamingAsync(new ExecutionRequest(Language.JavaScript,
            "console.log('a'); console.error('b'); console.log('é€😀'.repeat(3));")));
        Assert.Equal(ExecutionOutcome.Success, result.Outcome);
        Assert.Equal("a\né€😀é€😀é€😀\n", result.Stdout);
        Assert.Equal(result.Stdout, Joined(chunks, OutputStream.Stdout));
        Assert.Equal("b\n", Joined(chunks, OutputStream.Stderr));
        Assert.Equal(new OutputChunk(OutputStream.Stderr, "b\n"), chunks[1]);
    }

    [Fact]
    public async Task Stopping_the_enumeration_cancels_the_run()
    {
        string id = (await _sandbox.Sessions.CreateAsync()).Id;
        var clock = Stopwatch.StartNew();
        await foreach (var e in _sandbox.ExecuteStreamingAsync(new ExecutionRequest(Language.Python,
            "import time\nn = 0\nprint('started')\nwhile True:\n    n += 1\n    time.sleep(0.01)") { SessionId = id }))
        {
            Assert.Equal("started\n", Assert.IsType<OutputChunk>(e).Text);
            break;
        }
        // Disposing the enumerator waited for the run to end: the session is free again at once, long before 30 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), clock.Elapsed.ToString());
        var after = await _sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "print('free')") { SessionId = id });
        Assert.Equal("free\n", after.Stdout);

        using var cts = new CancellationTokenSource();
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in _sandbox.ExecuteStreamingAsync(new ExecutionRequest(Language.Python, "import time\nprint(1)\ntime.sleep(60)"), cts.Token))
                await cts.CancelAsync();
        });
        Assert.NotNull(cancelled);
    }

    [Fact]
    public async Task An_invalid_request_throws_at_the_call_and_runs_nothing()
    {
        Assert.Throws<ArgumentException>(() => _sandbox.ExecuteStreamingAsync(new ExecutionRequest(Language.Python, "  ")));
        Assert.Throws<ArgumentException>(() => _sandbox.ExecuteStreamingAsync(new ExecutionRequest((Language)42, "print(1)")));
        await Assert.ThrowsAsync<SessionNotFoundException>(async () =>
        {
            await foreach (var _ in _sandbox.ExecuteStreamingAsync(new ExecutionRequest(Language.Python, "print(1)") { SessionId = "s-nope" })) { }
        });
    }

    [Fact]
    public async Task The_interface_default_streams_the_output_after_the_result()
    {
        ICodeSandbox plain = new ResultOnlySandbox(new ExecutionResult { Outcome = ExecutionOutcome.Error, Language = Language.Python, Stdout = "o", Stderr = "e" });
        var (chunks, result) = await Collect(plain.ExecuteStreamingAsync(new ExecutionRequest(Language.Python, "x")));
        Assert.Equal([new OutputChunk(OutputStream.Stdout, "o"), new OutputChunk(OutputStream.Stderr, "e")], chunks);
        Assert.Equal("o", result.Stdout);
    }

    /// <summary>An implementer that knows nothing of streaming.</summary>
    private sealed class ResultOnlySandbox(ExecutionResult result) : ICodeSandbox
    {
        public ISessionManager Sessions => throw new NotSupportedException();

        public Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, CancellationToken cancellationToken = default) => Task.FromResult(result);

        public SandboxDescription Describe() => throw new NotSupportedException();
    }
}
