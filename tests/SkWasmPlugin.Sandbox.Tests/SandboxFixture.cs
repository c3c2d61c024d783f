using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>One sandbox (one engine, runtimes started once) for the whole test collection.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "skwasm-tests-" + Guid.NewGuid().ToString("N"));

    public WasmCodeSandbox Sandbox { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Sandbox = new WasmCodeSandbox(CreateOptions(Root));
        Sandbox.Warmup();
        return Task.CompletedTask;
    }

    public static SandboxOptions CreateOptions(string root) => new()
    {
        ModuleCachePath = Path.Combine(Path.GetTempPath(), "skwasm-test-module-cache"),
        // On an empty cache the first fixture compiles the optimized code, as these tests count on (cache entries,
        // kept interpreters); starting on the baseline compiler's code is CompilerTierTests' subject.
        BaselineCompilerWhileCold = false,
        ScratchPath = Path.Combine(root, "scratch"),
        Sessions = new SessionManagerOptions { StoragePath = Path.Combine(root, "sessions"), CheckpointDelay = TimeSpan.Zero },
    };

    public async Task DisposeAsync()
    {
        await Sandbox.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox";
}
