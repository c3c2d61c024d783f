using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>
/// Stateless calls run on interpreters that earlier calls left behind, put back into the started state after each
/// result (SandboxOptions.ReadyStatelessInterpreters): the next call, perhaps another user's, must see exactly what a
/// new interpreter shows, and an interpreter whose call left more than memory behind is never reused.
/// </summary>
public sealed class KeptInterpreterTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "skwasm-kept-" + Guid.NewGuid().ToString("N"));
    private WasmCodeSandbox _sandbox = null!;

    public Task InitializeAsync()
    {
        _sandbox = new WasmCodeSandbox(SandboxFixture.CreateOptions(_root));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private async Task<ExecutionResult> Run(Language language, string code, ExecutionLimits? limits = null) =>
        await _sandbox.ExecuteAsync(new ExecutionRequest(language, code) { Limits = limits });

    /// <summary>Waits until the interpreters of the calls so far are back in the started state (restores run after the result).</summary>
    private async Task<int> Settled(Language language, int atLeast)
    {
        for (int i = 0; i < 400 && _sandbox.Stateless.ReadyCount(language) < atLeast; i++) await Task.Delay(25);
        return _sandbox.Stateless.ReadyCount(language);
    }

    private string[] ScratchEntries() => Directory.GetFileSystemEntries(Path.Combine(_root, "scratch"));

    [Fact]
    public async Task The_next_call_runs_on_the_kept_interpreter_and_sees_nothing_of_the_last()
    {
        var first = await Run(Language.Python,
            "import json, random, decimal, sys\nsecret = 'S3CRET' * 1000\njson.dumps = None\nrandom.seed(7)\n" +
            "decimal.getcontext().prec = 3\nsys.modules['planted'] = sys\nbuiltins = __builtins__\nbuiltins.planted = 1\nprint('set')");
        Assert.Equal("set\n", first.Stdout);
        Assert.Equal(1, await Settled(Language.Python, 1));
        long reused = _sandbox.Stateless.Reused;

        var next = await Run(Language.Python,
            "import json, random, decimal, sys, gc\n" +
            "print('secret' in globals(), json.dumps([1]), 'planted' in sys.modules, hasattr(__builtins__, 'planted'), decimal.getcontext().prec)\n" +
            "print(any('S3CRET' in o for o in gc.get_objects() if isinstance(o, str)))");
        Assert.True(next.Outcome == ExecutionOutcome.Success, next.Stderr);
        Assert.Equal("False [1] False False 28\nFalse\n", next.Stdout);
        Assert.Equal(reused + 1, _sandbox.Stateless.Reused); // it did run on the kept interpreter
        // The first call seeded random with 7: the kept interpreter does not continue or restart that sequence.
        string seeded = (await Run(Language.Python, "import random\nrandom.seed(7)\nprint(random.random())")).Stdout;
        await Settled(Language.Python, 1);
        Assert.NotEqual(seeded, (await Run(Language.Python, "import random\nprint(random.random())")).Stdout);
    }

    [Fact]
    public async Task JavaScript_globals_of_one_call_are_gone_for_the_next()
    {
        Assert.Equal("set\n", (await Run(Language.JavaScript, "globalThis.leak = 'S3CRET'; Math.random = () => 4; console.log('set')")).Stdout);
        Assert.Equal(1, await Settled(Language.JavaScript, 1));
        long reused = _sandbox.Stateless.Reused;
        var next = await Run(Language.JavaScript, "console.log(typeof globalThis.leak, Math.random() === 4)");
        Assert.Equal("undefined false\n", next.Stdout);
        Assert.Equal(reused + 1, _sandbox.Stateless.Reused);
    }

    [Fact]
    public async Task An_interpreter_whose_call_wrote_a_file_trapped_or_grew_its_memory_is_not_kept()
    {
        Assert.Equal(ExecutionOutcome.Success, (await Run(Language.Python, "print(1)")).Outcome);
        Assert.Equal(1, await Settled(Language.Python, 1));

        // Each of these takes the kept interpreter and must drop it: nothing is kept afterwards.
        var wrote = await Run(Language.Python, "open('/app/out.txt', 'w').write('S3CRET')");
        Assert.Equal(ExecutionOutcome.Success, wrote.Outcome);
        Assert.Single(wrote.Files!);
        await Task.Delay(200);
        Assert.Equal(0, _sandbox.Stateless.ReadyCount(Language.Python));
        // The next call gets a new interpreter and an empty /app.
        Assert.Equal("[]\n", (await Run(Language.Python, "import os\nprint(os.listdir('/app'))")).Stdout);
        Assert.Equal(1, await Settled(Language.Python, 1));

        var trapped = await Run(Language.Python, "while True: pass", new ExecutionLimits { Fuel = 50_000_000 });
        Assert.Equal(ExecutionOutcome.FuelExhausted, trapped.Outcome);
        await Task.Delay(200);
        Assert.Equal(0, _sandbox.Stateless.ReadyCount(Language.Python));

        Assert.Equal(ExecutionOutcome.Success, (await Run(Language.Python, "print(1)")).Outcome);
        Assert.Equal(1, await Settled(Language.Python, 1));
        var grew = await Run(Language.Python, "b = bytearray(64 * 1024 * 1024)\nprint(len(b))");
        Assert.Equal("67108864\n", grew.Stdout);
        await Task.Delay(200);
        Assert.Equal(0, _sandbox.Stateless.ReadyCount(Language.Python));

        // A kept interpreter's /app is the only folder left in the scratch space, and it is empty.
        Assert.Equal(ExecutionOutcome.Success, (await Run(Language.Python, "print(1)")).Outcome);
        Assert.Equal(1, await Settled(Language.Python, 1));
        for (int i = 0; i < 200 && ScratchEntries().Length > 1; i++) await Task.Delay(25);
        var entry = Assert.Single(ScratchEntries());
        Assert.Empty(Directory.GetFileSystemEntries(entry));
    }

    [Fact]
    public async Task Concurrent_calls_keep_at_most_the_configured_number_and_all_answer_right()
    {
        var calls = Enumerable.Range(0, 24).Select(i => Run(Language.Python, $"x = {i}\nprint(x * 2, 'x' in dir())"));
        var results = await Task.WhenAll(calls);
        for (int i = 0; i < results.Length; i++) Assert.Equal($"{i * 2} True\n", results[i].Stdout);
        int kept = await Settled(Language.Python, _sandbox.Options.ReadyStatelessInterpreters);
        Assert.Equal(_sandbox.Options.ReadyStatelessInterpreters, kept);
        for (int i = 0; i < 50 && ScratchEntries().Length > kept; i++) await Task.Delay(50);
        Assert.Equal(kept, ScratchEntries().Length);
    }

    [Fact]
    public async Task With_none_to_keep_every_call_gets_a_new_interpreter()
    {
        await using var sandbox = new WasmCodeSandbox(With(o => o.ReadyStatelessInterpreters = 0));
        for (int i = 0; i < 3; i++) Assert.Equal("1\n", (await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "print(1)"))).Stdout);
        await Task.Delay(200);
        Assert.Equal(0, sandbox.Stateless.ReadyCount(Language.Python));
        Assert.Equal(0, sandbox.Stateless.Reused);
    }

    [Fact]
    public void The_number_kept_is_validated()
    {
        var ex = Assert.Throws<ArgumentException>(() => new WasmCodeSandbox(With(o => o.ReadyStatelessInterpreters = -1)));
        Assert.Contains(nameof(SandboxOptions.ReadyStatelessInterpreters), ex.Message);
    }

    private SandboxOptions With(Action<SandboxOptions> change)
    {
        var options = SandboxFixture.CreateOptions(Path.Combine(_root, "other"));
        change(options);
        return options;
    }
}
