using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>These tests set process-wide environment variables, so they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "environment";
}

/// <summary>Where the sandbox keeps its files by default, the cache's cross-process lock, and start-up time reported apart.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class StorageLayoutTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "skwasm-layout-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _saved = [];

    private void SetEnvironment(string name, string? value)
    {
        if (!_saved.ContainsKey(name)) _saved[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    private static SandboxOptions Light(Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { UsePoolingAllocator = false, MaxLiveInstances = 8 };
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task SKWASM_HOME_moves_the_cache_the_sessions_and_the_scratch_folder()
    {
        SetEnvironment("SKWASM_HOME", _dir);
        await using var sandbox = new WasmCodeSandbox(Light(o => o.Sessions.ApplicationName = "layout-app"));
        var run = await sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log(1)"));
        Assert.Equal("1\n", run.Stdout);
        string id = (await sandbox.Sessions.CreateAsync()).Id;
        await sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "var x = 1") { SessionId = id });

        // Optimized code, or the baseline compiler's while that is compiled in the background (an empty cache).
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_dir, "modules"), "*javascript-*.cwasm"));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_dir, "modules"), "javascript-*.started"));
        Assert.True(File.Exists(Path.Combine(_dir, "sessions", "layout-app", id, "session.json")));
        Assert.True(Directory.Exists(Path.Combine(_dir, "scratch")));
        Assert.Equal(Path.Combine(_dir, "sessions", "layout-app"), LocalWorkspaceStorage.DefaultRoot("layout-app"));
    }

    [Fact]
    public async Task Each_application_sees_only_its_own_sessions()
    {
        SetEnvironment("SKWASM_HOME", _dir);
        var cache = Path.Combine(Path.GetTempPath(), "skwasm-test-module-cache");
        await using var first = new WasmCodeSandbox(Light(o => { o.ModuleCachePath = cache; o.Sessions.ApplicationName = "first-app"; }));
        await using var second = new WasmCodeSandbox(Light(o => { o.ModuleCachePath = cache; o.Sessions.ApplicationName = "second-app"; }));
        string mine = (await first.Sessions.CreateAsync(new SessionOptions { Id = "shared-name" })).Id;

        Assert.Contains(await first.Sessions.ListAsync(), s => s.Id == mine);
        Assert.DoesNotContain(await second.Sessions.ListAsync(), s => s.Id == mine);
        Assert.False(await second.Sessions.DestroyAsync(mine));
        Assert.NotNull(await first.Sessions.GetAsync(mine));

        // Without a name, the entry assembly's (here the test host's) is used.
        Assert.Equal(Path.Combine(_dir, "sessions", SandboxPaths.DefaultApplicationName()), LocalWorkspaceStorage.DefaultRoot());
        Assert.True(SandboxPaths.IsValidApplicationName(SandboxPaths.DefaultApplicationName()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("-leading")]
    public void An_invalid_application_name_is_refused_at_start(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => new WasmCodeSandbox(Light(o => o.Sessions.ApplicationName = name)));
        Assert.Contains("ApplicationName", ex.Message);
    }

    [Fact]
    public void Without_SKWASM_HOME_the_root_is_created_under_local_application_data_not_the_temp_folder()
    {
        SetEnvironment("SKWASM_HOME", null);
        string data = Path.Combine(_dir, "fresh-home", ".local", "share"); // does not exist yet, as in a new container
        SetEnvironment("XDG_DATA_HOME", data);
        if (!OperatingSystem.IsLinux()) return; // XDG_DATA_HOME is how .NET finds local application data on Linux only
        Assert.Equal(Path.Combine(data, "skwasm"), SandboxPaths.Root());
        Assert.True(Directory.Exists(Path.Combine(data, "skwasm")));
        Assert.Equal(Path.Combine(data, "skwasm", "modules"), SandboxPaths.ModuleCache());

        // Where that folder cannot be made, the error says what to set (no silent fall-back to the shared temp folder).
        Directory.CreateDirectory(_dir);
        string file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "");
        SetEnvironment("XDG_DATA_HOME", Path.Combine(file, "share"));
        var ex = Assert.Throws<InvalidOperationException>(SandboxPaths.Root);
        Assert.Contains("SKWASM_HOME", ex.Message);
    }

    [Fact]
    public async Task Two_sandboxes_warming_up_one_empty_cache_at_once_compile_once()
    {
        string cache = Path.Combine(_dir, "modules");
        string scratch = Path.Combine(_dir, "scratch");
        SandboxOptions Options() => Light(o => { o.ModuleCachePath = cache; o.ScratchPath = scratch; o.Sessions.StoragePath = Path.Combine(_dir, "sessions"); });
        await using var a = new WasmCodeSandbox(Options());
        await using var b = new WasmCodeSandbox(Options());
        using var start = new Barrier(2);
        await Task.WhenAll(
            Task.Run(() => { start.SignalAndWait(); a.Warmup(Language.JavaScript); }),
            Task.Run(() => { start.SignalAndWait(); b.Warmup(Language.JavaScript); }));
        // Each starts on baseline code and compiles the optimized code in the background: each is compiled once.
        await Task.WhenAll(a.WhenOptimizedAsync(), b.WhenOptimizedAsync()).WaitAsync(TimeSpan.FromMinutes(2));
        var (sa, sb) = (a.GetStatistics(), b.GetStatistics());
        Assert.Equal(2, sa.ModuleCacheMisses + sb.ModuleCacheMisses);
        Assert.Equal(2, sa.ModuleCacheHits + sb.ModuleCacheHits);
        Assert.Single(Directory.GetFiles(cache, "javascript-*.cwasm"));
        Assert.Single(Directory.GetFiles(cache, "baseline-javascript-*.cwasm"));
        Assert.Equal("ok\n", (await b.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log('ok')"))).Stdout);
    }

    [Fact]
    public async Task The_first_call_reports_the_start_up_apart_from_its_duration_and_unused_cache_entries_are_pruned()
    {
        string cache = Path.Combine(_dir, "modules");
        Directory.CreateDirectory(cache);
        string foreign = Path.Combine(cache, "javascript-0123456789abcdef0123456789abcdef.cwasm");
        File.WriteAllBytes(foreign, new byte[100]);
        File.SetLastWriteTimeUtc(foreign, DateTime.UtcNow - TimeSpan.FromDays(30));
        await using var sandbox = new WasmCodeSandbox(Light(o => { o.ModuleCachePath = cache; o.ScratchPath = Path.Combine(_dir, "scratch"); o.Sessions.StoragePath = Path.Combine(_dir, "sessions"); }));

        var first = await sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log(1)"));
        var second = await sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log(2)"));
        Assert.True(first.Startup > TimeSpan.Zero);
        Assert.True(first.Startup > first.Duration, $"startup {first.StartupMs} ms, call {first.DurationMs} ms"); // a cold compile dwarfs a print
        Assert.Equal(TimeSpan.Zero, second.Startup);
        Assert.Equal(0, second.StartupMs);

        await sandbox.Catalog.Pruning!;
        await sandbox.WhenOptimizedAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.False(File.Exists(foreign));
        Assert.NotEmpty(Directory.GetFiles(cache, "javascript-*.cwasm"));
        Assert.NotEmpty(Directory.GetFiles(cache, "baseline-javascript-*.cwasm"));

        // After Warmup the first call waits for nothing.
        await using var warm = new WasmCodeSandbox(Light(o => { o.ModuleCachePath = cache; o.ScratchPath = Path.Combine(_dir, "scratch"); o.Sessions.StoragePath = Path.Combine(_dir, "sessions"); }));
        warm.Warmup(Language.JavaScript);
        var warmed = await warm.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log(3)"));
        Assert.Equal(TimeSpan.Zero, warmed.Startup);
        Assert.Equal("3\n", warmed.Stdout);
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
