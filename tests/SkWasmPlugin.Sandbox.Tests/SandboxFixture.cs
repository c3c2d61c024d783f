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
        // The cache's daily prune runs in the background after the first start: let it end before tests that count
        // the process's open descriptors begin.
        return Sandbox.Catalog.Pruning ?? Task.CompletedTask;
    }

    public static SandboxOptions CreateOptions(string root) => new()
    {
        ModuleCachePath = Path.Combine(Path.GetTempPath(), "skwasm-test-module-cache"),
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
