namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>The process-wide memory trim (a blocking compacting GC, malloc_trim) runs only when the host asks for it.</summary>
[Collection(SandboxCollection.Name)]
public sealed class MemoryTrimOptInTests(SandboxFixture fixture)
{
    [Fact]
    public async Task With_the_trim_off_destroying_sessions_never_collects()
    {
        var options = SandboxFixture.CreateOptions(Path.Combine(fixture.Root, "no-trim-" + Guid.NewGuid().ToString("N")));
        options.Sessions.TrimMemoryAfterRelease = false;
        await using var sandbox = new WasmCodeSandbox(options);
        var ids = new List<string>();
        for (int i = 0; i < 5; i++) // past the trim's threshold, were it on
        {
            string id = (await sandbox.Sessions.CreateAsync()).Id;
            Assert.Equal("1\n", (await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "print(1)") { SessionId = id })).Stdout);
            ids.Add(id);
        }
        foreach (string id in ids) await sandbox.Sessions.DestroyAsync(id);

        Assert.Null(sandbox.SessionManager.MemoryTrims);
        Assert.Equal(0, sandbox.SessionManager.LiveInterpreterCount);
    }
}
