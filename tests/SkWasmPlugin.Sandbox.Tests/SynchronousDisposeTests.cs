using System.Collections.Concurrent;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>
/// <see cref="WasmCodeSandbox.Dispose"/> flushes like <see cref="WasmCodeSandbox.DisposeAsync"/>, and never needs the
/// thread it blocks: called on a context whose posted work never runs, it still ends.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class SynchronousDisposeTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Dispose_on_a_blocked_single_threaded_context_flushes_the_sessions_and_ends()
    {
        string root = Path.Combine(fixture.Root, "sync-dispose-" + Guid.NewGuid().ToString("N"));
        var options = SandboxFixture.CreateOptions(root);
        options.Sessions.CheckpointDelay = TimeSpan.FromSeconds(2); // the checkpoint is still pending: left to the flush
        var first = new WasmCodeSandbox(options);
        string id = (await first.Sessions.CreateAsync()).Id;
        Assert.True((await first.ExecuteAsync(new ExecutionRequest(Language.Python, "x = 41") { SessionId = id })).IsSuccess);

        Exception? failure = null;
        var thread = new Thread(() =>
        {
            SynchronizationContext.SetSynchronizationContext(new NeverRunsContext());
            try
            {
                first.Dispose();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "Dispose waited for work posted to the thread it blocked");
        Assert.Null(failure);

        await using var second = new WasmCodeSandbox(options);
        var next = await second.ExecuteAsync(new ExecutionRequest(Language.Python, "print(x + 1)") { SessionId = id });
        Assert.Equal("42\n", next.Stdout);
    }

    [Fact]
    public void Dispose_twice_and_after_DisposeAsync_is_harmless()
    {
        string root = Path.Combine(fixture.Root, "sync-dispose-" + Guid.NewGuid().ToString("N"));
        var sandbox = new WasmCodeSandbox(SandboxFixture.CreateOptions(root));
        Assert.True(sandbox.DisposeAsync().IsCompleted);
        sandbox.Dispose();
        sandbox.Dispose();
    }

    /// <summary>A synchronization context whose thread is blocked: work posted to it never runs.</summary>
    private sealed class NeverRunsContext : SynchronizationContext
    {
        private readonly ConcurrentQueue<(SendOrPostCallback, object?)> _posted = new();

        public override void Post(SendOrPostCallback d, object? state) => _posted.Enqueue((d, state));

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();
    }
}
