using System.IO.Compression;
using System.Text;

namespace SkWasmPlugin.Security.Tests;

/// <summary>
/// The classes of the second outside review, beyond the attack programs: crafted checkpoints, host probes after a
/// spinning hook, the global session cap, the stateless descriptor reserve, two hosts on one session, report caps.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class RoundTwoTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "skwasm-round2-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => SecurityFixture.TryDelete(_root);

    private SandboxOptions Options(Action<SandboxOptions>? adjust = null)
    {
        var options = SecurityFixture.CreateOptions(_root);
        adjust?.Invoke(options);
        return options;
    }

    private static Task<ExecutionResult> Run(ICodeSandbox sandbox, string code, string? session = null, Language language = Language.Python) =>
        sandbox.ExecuteAsync(new ExecutionRequest(language, code) { SessionId = session });

    /// <summary>The stored checkpoint of a session with its page image replaced by <paramref name="image"/> (header kept).</summary>
    private static byte[] Crafted(byte[] stored, Action<BinaryWriter> image)
    {
        using var input = new BinaryReader(new MemoryStream(stored), Encoding.UTF8);
        string magic = input.ReadString(), key = input.ReadString();
        long call = input.ReadInt64();
        var output = new MemoryStream();
        using (var writer = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(magic);
            writer.Write(key);
            writer.Write(call);
            using var deflate = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true);
            using var inner = new BinaryWriter(deflate);
            image(inner);
        }
        return output.ToArray();
    }

    public static TheoryData<string> CraftedImages => ["4 GB memory", "zlib bomb", "truncated pages", "pages outside memory"];

    [Theory]
    [MemberData(nameof(CraftedImages))]
    public async Task A_crafted_checkpoint_is_refused_and_the_session_starts_fresh(string kind)
    {
        string id;
        await using (var sandbox = new WasmCodeSandbox(Options()))
        {
            id = (await sandbox.Sessions.CreateAsync()).Id;
            Assert.True((await Run(sandbox, "x = 1", id)).IsSuccess);
            await sandbox.Sessions.FlushAsync();
        }
        string path = Path.Combine(_root, "sessions", id, "state", "python.ckpt");
        const int page = 4096;
        byte[] crafted = Crafted(File.ReadAllBytes(path), w =>
        {
            switch (kind)
            {
                case "4 GB memory":
                    w.Write(3_900_000_000L); w.Write(1024); w.Write(4); // a 147-byte checkpoint in the review
                    break;
                case "zlib bomb":
                    // 1 GB of zero pages deflate to about a megabyte; more than the sandbox's memory limit.
                    long length = 1L << 30;
                    int count = (int)(length / page);
                    w.Write(length); w.Write(1024); w.Write(count);
                    for (int i = 0; i < count; i++) w.Write(i);
                    var zeros = new byte[1 << 20];
                    for (long done = 0; done < length; done += zeros.Length) w.Write(zeros);
                    break;
                case "truncated pages":
                    w.Write(64L << 20); w.Write(1024); w.Write(1000);
                    for (int i = 0; i < 1000; i++) w.Write(i);
                    w.Write(new byte[page * 3]);
                    break;
                default:
                    w.Write(64L << 20); w.Write(1024); w.Write(1); w.Write(int.MaxValue);
                    break;
            }
        });
        File.WriteAllBytes(path, crafted);
        output.WriteLine($"{kind}: crafted checkpoint of {crafted.Length:N0} bytes");

        long allocated = GC.GetTotalAllocatedBytes();
        await using (var sandbox = new WasmCodeSandbox(Options(o => o.MaxMemoryBytes = 256L * 1024 * 1024)))
        {
            var result = await Run(sandbox, "print(globals().get('x', 'fresh'))", id);
            output.WriteLine($"{result.Outcome}: {result.Stdout.Trim()} notes: {string.Join(" | ", result.Notes)}");
            Assert.Equal(ExecutionOutcome.Success, result.Outcome);
            Assert.Equal("fresh\n", result.Stdout);
            Assert.Contains(result.Notes, n => n.Contains("could not be loaded", StringComparison.Ordinal));
            Assert.True((await Run(sandbox, "y = 2\nprint(y)", id)).IsSuccess);
        }
        long used = GC.GetTotalAllocatedBytes() - allocated;
        output.WriteLine($"host allocated {used / (1024 * 1024)} MB while refusing it");
        Assert.True(used < 300L * 1024 * 1024, $"refusing the checkpoint allocated {used:N0} bytes");
    }

    [Fact]
    public async Task Host_probes_after_a_spinning_profile_hook_restore_the_session_instead_of_breaking_it()
    {
        await using var sandbox = new WasmCodeSandbox(Options());
        string id = (await sandbox.Sessions.CreateAsync()).Id;
        const string hook = """
            import sys
            kept = 41
            def spin(frame, event, arg):
                if frame.f_code.co_name == '<genexpr>':
                    while True:
                        try:
                            n = 1
                        except BaseException:
                            pass
            sys.setprofile(spin)
            """;
        Assert.True((await Run(sandbox, hook, id)).IsSuccess);
        var info = await sandbox.Sessions.GetWorkspaceInfoAsync(id); // the variable probe runs a generator expression: it spins
        output.WriteLine("variables after the spinning probe: " + string.Join(", ", info.Variables.SelectMany(v => v.Value)));
        var next = await Run(sandbox, "print(kept + 1)", id);
        output.WriteLine($"next call: {next.Outcome} {next.Stdout.Trim()} {next.Stderr.Trim()}");
        Assert.Equal(ExecutionOutcome.Success, next.Outcome);
        Assert.Equal("42\n", next.Stdout);
        Assert.NotEmpty(await sandbox.Sessions.InstallPackageAsync(id, "tabulate")); // a probe too: it still runs
        Assert.Equal("41\n", (await Run(sandbox, "print(kept)", id)).Stdout);
    }

    [Fact]
    public async Task The_global_session_cap_refuses_a_new_session_and_removes_none()
    {
        await using var sandbox = new WasmCodeSandbox(Options(o => o.Sessions.MaxSessions = 5));
        var ids = new List<string>();
        for (int i = 0; i < 5; i++) ids.Add((await sandbox.Sessions.CreateAsync()).Id);
        var tasks = Enumerable.Range(0, 10).Select(_ => Task.Run(() => sandbox.Sessions.CreateAsync())).ToList();
        foreach (var t in tasks) await Assert.ThrowsAsync<SessionLimitExceededException>(() => t);
        var listed = (await sandbox.Sessions.ListAsync()).Select(s => s.Id).Order().ToList();
        Assert.Equal(ids.Order().ToList(), listed);
        await sandbox.Sessions.PruneAsync();
        Assert.Equal(5, (await sandbox.Sessions.ListAsync()).Count);
        Assert.True(await sandbox.Sessions.DestroyAsync(ids[0]));
        Assert.NotNull(await sandbox.Sessions.CreateAsync());
    }

    [Fact]
    public async Task Sessions_holding_every_descriptor_they_may_never_starve_stateless_calls()
    {
        await using var sandbox = new WasmCodeSandbox(Options(o => o.MaxLiveInstances = 64));
        int held = 0, sessions = 0;
        // 7,168 descriptors are for sessions (256 per interpreter): 29 sessions ask for more than that.
        for (int i = 0; i < 29; i++)
        {
            string id = (await sandbox.Sessions.CreateAsync()).Id;
            sessions++;
            var r = await Run(sandbox, """
                import errno
                files = []
                try:
                    for i in range(300):
                        files.append(open(f'f{i}', 'w'))
                except OSError as e:
                    pass
                print(len(files))
                """, id);
            held += int.Parse(r.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        output.WriteLine($"{sessions} sessions hold {held} descriptors");
        var stateless = await Run(sandbox, "import json, csv, decimal, sqlite3\nopen('x', 'w').write('1')\nprint(json.dumps([1]))");
        output.WriteLine($"stateless: {stateless.Outcome} {stateless.Stdout.Trim()} {stateless.Stderr.Trim()}");
        Assert.Equal(ExecutionOutcome.Success, stateless.Outcome);
        Assert.True(held < 7168 + 29, $"sessions held {held} descriptors");
    }

    [Fact]
    public async Task Two_hosts_on_one_session_store_take_turns_and_lose_no_update()
    {
        string id;
        await using (var first = new WasmCodeSandbox(Options()))
        {
            id = (await first.Sessions.CreateAsync()).Id;
            Assert.True((await Run(first, "n = 1\nopen('log', 'a').write('a')", id)).IsSuccess);
            await using var second = new WasmCodeSandbox(Options(o => o.Sessions.SessionLockTimeout = TimeSpan.FromMilliseconds(300)));
            var busy = await Assert.ThrowsAsync<SessionInUseException>(() => Run(second, "n += 100", id));
            output.WriteLine(busy.Message);
        }
        await using var third = new WasmCodeSandbox(Options());
        var after = await Run(third, "n += 1\nopen('log', 'a').write('b')\nprint(n, open('log').read())", id);
        Assert.Equal("2 ab\n", after.Stdout);
    }

    [Fact]
    public async Task A_host_that_unloads_a_session_hands_it_over_with_its_state_and_takes_it_back_later()
    {
        await using var first = new WasmCodeSandbox(Options(o => o.Sessions.SessionLockTimeout = TimeSpan.FromMilliseconds(300)));
        await using var second = new WasmCodeSandbox(Options(o => o.Sessions.SessionLockTimeout = TimeSpan.FromMilliseconds(300)));
        string id = (await first.Sessions.CreateAsync()).Id;
        Assert.True((await Run(first, "n = 1\nopen('log', 'a').write('a')", id)).IsSuccess);
        Assert.False(await second.Sessions.UnloadAsync(id)); // not loaded there
        Assert.True(await first.Sessions.UnloadAsync(id));
        Assert.False(await first.Sessions.UnloadAsync(id)); // already given up

        // The other host takes it at once (no lock wait) with the state and files of the last call.
        var there = await Run(second, "n += 1\nopen('log', 'a').write('b')\nprint(n, open('log').read())", id);
        Assert.Equal("2 ab\n", there.Stdout);
        await Assert.ThrowsAsync<SessionInUseException>(() => Run(first, "n += 100", id)); // and holds it now

        await second.Sessions.FlushAsync(id);
        Assert.True(await second.Sessions.UnloadAsync(id));
        var back = await Run(first, "n += 1\nprint(n)", id);
        Assert.Equal("3\n", back.Stdout);
        Assert.Equal(3, (await first.Sessions.GetAsync(id))!.ExecutionCount);
        await Assert.ThrowsAsync<ArgumentException>(() => first.Sessions.UnloadAsync("../x"));
        await first.Sessions.FlushAsync("s-unknown"); // nothing to write, not an error
    }

    [Fact]
    public async Task A_call_waiting_while_its_session_is_unloaded_runs_on_the_session_loaded_again()
    {
        await using var sandbox = new WasmCodeSandbox(Options());
        string id = (await sandbox.Sessions.CreateAsync()).Id;
        Assert.True((await Run(sandbox, "n = 1", id)).IsSuccess);
        var slow = Run(sandbox, "import time\ntime.sleep(0.5)\nn += 1", id);
        await Task.Delay(150); // the slow call holds the session now
        var unload = sandbox.Sessions.UnloadAsync(id);
        var waiting = Run(sandbox, "n += 1\nprint(n)", id);
        Assert.True((await slow).IsSuccess);
        Assert.True(await unload);
        Assert.Equal("3\n", (await waiting).Stdout);
        Assert.Equal("3\n", (await Run(sandbox, "print(n)", id)).Stdout);
    }

    [Theory]
    [InlineData(Language.Python, "raise AssertionError('A' * 30_000_000)")]
    [InlineData(Language.JavaScript, "throw new Error('A'.repeat(30000000))")]
    [InlineData(Language.Python, "d = {'k' * 1_000_000 + str(i): i for i in range(100)}\nd['x' * 3_000_000]")]
    [InlineData(Language.Python, "raise FileNotFoundError(2, 'no \\udcff', '/app/\\udcff.txt')")]
    public async Task Reports_are_capped_and_survive_invalid_text_in_sessions_too(Language language, string code)
    {
        await using var sandbox = new WasmCodeSandbox(Options());
        string id = (await sandbox.Sessions.CreateAsync()).Id;
        foreach (string? session in new[] { null, id })
        {
            var result = await Run(sandbox, code, session, language);
            string json = SandboxJson.Serialize(result);
            output.WriteLine($"{language} {(session is null ? "stateless" : "session")}: {result.Outcome}, {json.Length:N0} characters of JSON, message {result.Guidance?.Message.Length}");
            Assert.Equal(ExecutionOutcome.Error, result.Outcome);
            Assert.True(json.Length < 100_000, $"{json.Length:N0} characters of JSON");
            Assert.NotNull(result.Guidance);
        }
    }
}
