using System.Text;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class SessionTests(SandboxFixture fixture)
{
    private readonly WasmCodeSandbox _sandbox = fixture.Sandbox;

    private Task<ExecutionResult> Run(string session, Language language, string code, ExecutionLimits? limits = null) =>
        _sandbox.ExecuteAsync(new ExecutionRequest(language, code) { SessionId = session, Limits = limits });

    private async Task<string> NewSession(SessionOptions? options = null) => (await _sandbox.Sessions.CreateAsync(options)).Id;

    [Fact]
    public async Task Python_state_persists_like_a_notebook()
    {
        string s = await NewSession();
        Assert.Matches("^s-[0-9a-f]{32}$", s);
        await Run(s, Language.Python, "import math\nx = 41\ndef double(n):\n    return 2 * n\nclass Box:\n    def __init__(self, v): self.v = v\nbox = Box(5)");
        var r = await Run(s, Language.Python, "print(x + 1, double(4), box.v, math.pi > 3)");
        Assert.Equal("42 8 5 True\n", r.Stdout);
        Assert.Equal(s, r.SessionId);
    }

    [Fact]
    public async Task JavaScript_state_persists()
    {
        string s = await NewSession();
        await Run(s, Language.JavaScript, "var counter = 1;\nfunction inc() { counter += 1; return counter; }\nconst greeting = 'hi';");
        var r = await Run(s, Language.JavaScript, "inc(); console.log(counter, greeting);");
        Assert.Equal("2 hi\n", r.Stdout);
    }

    [Fact]
    public async Task An_exception_keeps_earlier_state_and_what_ran_before_it()
    {
        string s = await NewSession();
        await Run(s, Language.Python, "a = 1");
        var failed = await Run(s, Language.Python, "b = 2\nraise ValueError('boom')\nc = 3");
        Assert.Equal(ExecutionOutcome.Error, failed.Outcome);
        var r = await Run(s, Language.Python, "print(a, b, 'c' in globals())");
        Assert.Equal("1 2 False\n", r.Stdout);
    }

    [Fact]
    public async Task A_trap_returns_the_session_to_its_last_good_checkpoint()
    {
        string s = await NewSession();
        await Run(s, Language.Python, "kept = 'yes'");
        // A fuel budget too small for any soft stop: the guest traps and the interpreter is replaced.
        var trapped = await Run(s, Language.Python, "lost = 1\nwhile True:\n    pass", new ExecutionLimits { Fuel = 200_000 });
        Assert.Equal(ExecutionOutcome.FuelExhausted, trapped.Outcome);
        var after = await Run(s, Language.Python, "print(kept, 'lost' in globals())");
        Assert.Equal("yes False\n", after.Stdout);
        Assert.True(trapped.Notes.Count > 0 || after.Notes.Count == 0);
    }

    [Fact]
    public async Task A_trap_restores_in_place_keeping_open_files_and_a_memory_trap_gets_a_new_interpreter()
    {
        string s = await NewSession();
        await Run(s, Language.Python, "log = open('/app/log.txt', 'w')\nlog.write('one\\n')\nbig = None");
        for (int round = 1; round <= 2; round++)
        {
            // Restored in place (the memory did not grow): the file opened in an earlier call is still open.
            var trapped = await Run(s, Language.Python, "lost = 1\nwhile True:\n    pass", new ExecutionLimits { Fuel = 200_000 });
            Assert.Equal(ExecutionOutcome.FuelExhausted, trapped.Outcome);
            var after = await Run(s, Language.Python, "log.write('two\\n'); log.flush(); print('lost' in globals(), open('/app/log.txt').read().split().count('two'))");
            Assert.Equal(ExecutionOutcome.Success, after.Outcome);
            Assert.Equal($"False {round}\n", after.Stdout);
        }
    }

    [Fact]
    public void In_place_restore_undoes_a_call_and_declines_when_the_memory_grew()
    {
        if (!OperatingSystem.IsLinux()) return; // in-place restore needs /proc/self/pagemap; elsewhere a trap gets a new interpreter
        var runtime = _sandbox.Catalog.Get(Language.Python);
        // The cache's daily prune, in the background after the first start, opens and closes files: not while counting ours.
        _sandbox.Catalog.Pruning?.Wait();
        string ws = Path.Combine(fixture.Root, "in-place-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(ws);
        var limits = _sandbox.Options.Resolve(new ExecutionLimits { MemoryBytes = 256L * 1024 * 1024 });
        using var instance = runtime.NewInstance(ws, new Hosting.WorkspaceQuota(ws, 1 << 20, 100), forSession: true);
        instance.Execute("kept = 41", null, 0, limits, default);
        var checkpoint = runtime.Capture(instance);
        instance.Execute("kept = 0\nnoise = [str(i) for i in range(20000)]", null, 0, limits, default);
        Assert.True(runtime.TryRestoreInPlace(instance, checkpoint));
        var r = instance.Execute("print(kept + 1, 'noise' in globals())", null, 0, limits, default);
        Assert.Equal("42 False\n", r.Stdout);

        // Files opened after the checkpoint are closed by the restore (the restored memory has no object for them).
        // Counted by where they point, not in total: tests running in parallel open and close files of their own.
        static int OpenUnder(string folder) => Directory.GetFiles("/proc/self/fd")
            .Count(fd => { try { return new FileInfo(fd).LinkTarget?.StartsWith(folder, StringComparison.Ordinal) == true; } catch (IOException) { return false; } });
        int descriptors = OpenUnder(ws);
        instance.Execute("handles = [open('/app/f%d' % i, 'w') for i in range(40)]", null, 0, limits, default);
        Assert.True(OpenUnder(ws) >= descriptors + 40);
        Assert.True(runtime.TryRestoreInPlace(instance, checkpoint));
        Assert.True(OpenUnder(ws) < descriptors + 10, "the 40 files stayed open");
        Assert.Equal("42 False\n", instance.Execute("print(kept + 1, 'handles' in globals())", null, 0, limits, default).Stdout);

        instance.Execute("big = bytearray(64 * 2**20)", null, 0, limits, default);
        Assert.False(runtime.TryRestoreInPlace(instance, checkpoint)); // the allocator's view of the heap end cannot be undone
    }

    [Fact]
    public async Task Destroying_sessions_trims_memory_once_enough_was_released()
    {
        string root = Path.Combine(fixture.Root, "trim-" + Guid.NewGuid().ToString("N"));
        var options = SandboxFixture.CreateOptions(root);
        options.Sessions.TrimMemoryAfterRelease = true; // opt-in: it acts on the whole process
        await using var sandbox = new WasmCodeSandbox(options);
        async Task<string> LiveSession()
        {
            string id = (await sandbox.Sessions.CreateAsync()).Id;
            Assert.Equal("1\n", (await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "print(1)") { SessionId = id })).Stdout);
            return id;
        }

        // One Python interpreter (16 MB of linear memory) is under the threshold: no collection for it.
        await sandbox.Sessions.DestroyAsync(await LiveSession());
        await Task.Delay(MemoryTrimmerDelay * 3);
        Assert.Equal(0, sandbox.SessionManager.MemoryTrims);

        var ids = new List<string>();
        for (int i = 0; i < 4; i++) ids.Add(await LiveSession());
        foreach (string id in ids) await sandbox.Sessions.DestroyAsync(id);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (sandbox.SessionManager.MemoryTrims == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(1, sandbox.SessionManager.MemoryTrims); // one for the burst, not one per session
    }

    private static readonly TimeSpan MemoryTrimmerDelay = Hosting.MemoryTrimmer.Delay;

    [Fact]
    public async Task A_session_created_for_one_language_has_its_interpreter_started_before_its_first_call()
    {
        string root = Path.Combine(fixture.Root, "prestart-" + Guid.NewGuid().ToString("N"));
        await using var sandbox = new WasmCodeSandbox(SandboxFixture.CreateOptions(root));
        async Task<int> LiveSoon(int expected)
        {
            for (int i = 0; i < 200 && sandbox.GetStatistics().LiveInterpreters != expected; i++) await Task.Delay(25);
            return sandbox.GetStatistics().LiveInterpreters;
        }

        var python = await sandbox.Sessions.CreateAsync(new SessionOptions { Language = Language.Python });
        Assert.Equal(1, await LiveSoon(1));
        var first = await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "x = 41\nprint(x + 1)") { SessionId = python.Id });
        Assert.Equal("42\n", first.Stdout);
        Assert.Equal(1, sandbox.GetStatistics().LiveInterpreters); // the call ran on the interpreter started for it

        // Both languages: nothing to guess, so nothing is started; a call right after creation waits for its start.
        await sandbox.Sessions.CreateAsync();
        var js = await sandbox.Sessions.CreateAsync(new SessionOptions { Language = Language.JavaScript });
        Assert.Equal("2\n", (await sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log(1 + 1)") { SessionId = js.Id })).Stdout);
        Assert.Equal(2, await LiveSoon(2));

        // Destroyed at once: the start waits for the gate, finds the session gone, and leaves nothing behind.
        var gone = await sandbox.Sessions.CreateAsync(new SessionOptions { Language = Language.Python });
        Assert.True(await sandbox.Sessions.DestroyAsync(gone.Id));
        await Task.Delay(200);
        Assert.Equal(2, sandbox.GetStatistics().LiveInterpreters);

        var offOptions = SandboxFixture.CreateOptions(root + "-off");
        offOptions.Sessions.StartInterpreterOnCreate = false;
        await using var off = new WasmCodeSandbox(offOptions);
        await off.Sessions.CreateAsync(new SessionOptions { Language = Language.Python });
        await Task.Delay(200);
        Assert.Equal(0, off.GetStatistics().LiveInterpreters);
    }

    [Fact]
    public async Task Evicted_interpreters_come_back_from_their_checkpoints()
    {
        string root = Path.Combine(fixture.Root, "evict-" + Guid.NewGuid().ToString("N"));
        var options = SandboxFixture.CreateOptions(root);
        options.MaxLiveInstances = 8; // room for 6 session interpreters
        options.Sessions.EvictLiveInterpreterAfter = TimeSpan.Zero;
        await using var sandbox = new WasmCodeSandbox(options);
        Task<ExecutionResult> Run(string id, string code) => sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code) { SessionId = id });

        var ids = new List<string>();
        for (int i = 0; i < 9; i++)
        {
            ids.Add((await sandbox.Sessions.CreateAsync()).Id);
            Assert.Equal(ExecutionOutcome.Success, (await Run(ids[i], $"x = {i} * 1000\nnames = [str(n) for n in range(x, x + 50)]")).Outcome);
            Assert.True(sandbox.GetStatistics().LiveInterpreters <= 6);
        }
        // The least recently used were checkpointed and dropped to make room; each comes back as it was.
        for (int i = 0; i < 9; i++)
            Assert.Equal($"{i * 1000} {i * 1000 + 49}\n", (await Run(ids[i], "print(x, names[-1])")).Stdout);

        // Idle eviction drops them all; the next call restores each one.
        await sandbox.SessionManager.EvictIdleInterpretersAsync(CancellationToken.None);
        Assert.Equal(0, sandbox.GetStatistics().LiveInterpreters);
        Assert.Equal("3000\n", (await Run(ids[3], "print(x)")).Stdout);
    }

    [Fact]
    public async Task A_timeout_keeps_state_written_before_the_stopped_line()
    {
        string s = await NewSession();
        await Run(s, Language.Python, "base = 10");
        var r = await Run(s, Language.Python, "import time\nbefore = base + 1\ntime.sleep(60)", new ExecutionLimits { Timeout = TimeSpan.FromMilliseconds(300) });
        Assert.Equal(ExecutionOutcome.TimedOut, r.Outcome);
        Assert.Equal(3, r.Guidance!.Line);
        var after = await Run(s, Language.Python, "print(base, before)");
        // A soft stop is a Python exception: the notebook keeps what ran.
        Assert.True("10 11\n" == after.Stdout, $"{after.Outcome}: {after.Stderr} | first: {string.Join(";", r.Notes)} {r.Stderr}");
    }

    [Fact]
    public async Task Concurrent_calls_on_one_session_are_serialised()
    {
        string s = await NewSession();
        await Run(s, Language.Python, "log = []");
        var calls = Enumerable.Range(0, 10).Select(i => Run(s, Language.Python, $"log.append('start{i}')\nfor _ in range(2000): pass\nlog.append('end{i}')"));
        await Task.WhenAll(calls);
        var r = await Run(s, Language.Python, "print(all(log[k][:3] == 'sta' and log[k + 1] == 'end' + log[k][5:] for k in range(0, len(log), 2)), len(log))");
        Assert.Equal("True 20\n", r.Stdout);
    }

    [Fact]
    public async Task Files_round_trip_between_host_and_guest()
    {
        string s = await NewSession();
        await _sandbox.Sessions.WriteFileAsync(s, "data/in.txt", Encoding.UTF8.GetBytes("hello"));
        var r = await Run(s, Language.Python, "import os\nprint(os.getcwd(), open('data/in.txt').read())\nopen('/app/out.txt', 'w').write('from guest')");
        Assert.Equal("/app hello\n", r.Stdout);
        Assert.Equal("from guest", Encoding.UTF8.GetString(await _sandbox.Sessions.ReadFileAsync(s, "out.txt")));
        Assert.Equal("from guest", Encoding.UTF8.GetString(await _sandbox.Sessions.ReadFileAsync(s, "/app/out.txt")));
        var js = await Run(s, Language.JavaScript, "const fs = require('fs');\nconsole.log(fs.readFileSync('/app/data/in.txt', 'utf8'));");
        Assert.Equal("hello\n", js.Stdout);
        var files = await _sandbox.Sessions.ListFilesAsync(s);
        Assert.Equal(["data", "data/in.txt", "out.txt"], files.Select(f => f.Path));
        Assert.True(await _sandbox.Sessions.DeleteFileAsync(s, "out.txt"));
        Assert.False(await _sandbox.Sessions.DeleteFileAsync(s, "out.txt"));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("C:/Windows/win.ini")]
    [InlineData("bad\0name")]
    public async Task Paths_outside_the_workspace_are_refused_and_nothing_is_written(string path)
    {
        string s = await NewSession();
        await Assert.ThrowsAsync<ArgumentException>(() => _sandbox.Sessions.WriteFileAsync(s, path, new byte[] { 1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => _sandbox.Sessions.ReadFileAsync(s, path));
        Assert.Empty(await _sandbox.Sessions.ListFilesAsync(s));
    }

    [Fact]
    public async Task A_symlink_made_by_the_guest_is_not_followed_by_the_host()
    {
        string s = await NewSession();
        var r = await Run(s, Language.Python, "import os\ntry:\n    os.symlink('/', 'escape')\n    print('made')\nexcept OSError as e:\n    print('refused', e.errno)");
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        if (r.Stdout.StartsWith("made", StringComparison.Ordinal))
            await Assert.ThrowsAsync<ArgumentException>(() => _sandbox.Sessions.ReadFileAsync(s, "escape/etc/passwd"));
    }

    [Fact]
    public async Task Uploads_over_quota_are_refused_and_guest_writes_get_ENOSPC()
    {
        string s = await NewSession(new SessionOptions { MaxWorkspaceBytes = 64 * 1024, MaxFiles = 5 });
        await Assert.ThrowsAsync<WorkspaceQuotaExceededException>(() => _sandbox.Sessions.WriteFileAsync(s, "big.bin", new byte[100 * 1024]));
        Assert.Empty(await _sandbox.Sessions.ListFilesAsync(s));

        var r = await Run(s, Language.Python, "import errno\ntry:\n    with open('fill.bin', 'wb') as f:\n        f.write(b'x' * 200_000)\nexcept OSError as e:\n    print('guest saw', errno.errorcode[e.errno])");
        Assert.Equal("guest saw ENOSPC\n", r.Stdout);
        var many = await Run(s, Language.Python, "n = 0\ntry:\n    for i in range(20):\n        open(f'f{i}.txt', 'w').close(); n += 1\nexcept OSError as e:\n    print('stopped after', n, e.errno)");
        Assert.StartsWith("stopped after", many.Stdout);
        var info = await _sandbox.Sessions.GetWorkspaceInfoAsync(s);
        Assert.True(info.UsedBytes <= 64 * 1024, $"used {info.UsedBytes}");
        Assert.True(info.FileCount <= 5, $"files {info.FileCount}");
        var quota = await Run(s, Language.Python, "open('more.bin', 'wb').write(b'y' * 100_000)");
        Assert.Equal("QuotaExceeded", quota.Guidance!.ErrorType);
    }

    [Fact]
    public async Task Unknown_and_destroyed_sessions_are_clear_errors()
    {
        await Assert.ThrowsAsync<SessionNotFoundException>(() => Run("never-made", Language.Python, "print(1)"));
        string s = await NewSession();
        await Run(s, Language.Python, "x = 1");
        Assert.True(await _sandbox.Sessions.DestroyAsync(s));
        Assert.False(await _sandbox.Sessions.DestroyAsync(s));
        Assert.Null(await _sandbox.Sessions.GetAsync(s));
        var ex = await Assert.ThrowsAsync<SessionNotFoundException>(() => Run(s, Language.Python, "print(x)"));
        Assert.Contains(s, ex.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => _sandbox.Sessions.CreateAsync(new SessionOptions { Id = "no/slashes" }));
    }

    [Fact]
    public async Task A_session_destroyed_while_running_stops_the_call()
    {
        string s = await NewSession();
        var running = Run(s, Language.Python, "while True:\n    pass", new ExecutionLimits { Fuel = 50_000_000_000, Timeout = TimeSpan.FromMinutes(1) });
        await Task.Delay(200);
        Assert.True(await _sandbox.Sessions.DestroyAsync(s));
        var r = await running;
        Assert.Equal(ExecutionOutcome.Cancelled, r.Outcome);
        Assert.Null(await _sandbox.Sessions.GetAsync(s));
    }

    [Fact]
    public async Task Caller_chosen_id_reset_and_language_restriction()
    {
        string id = "chosen-" + Guid.NewGuid().ToString("N")[..8];
        var info = await _sandbox.Sessions.CreateAsync(new SessionOptions { Id = id, Language = Language.Python, Metadata = new Dictionary<string, string> { ["owner"] = "test" } });
        Assert.Equal(id, info.Id);
        Assert.Equal(["python"], info.Languages);
        Assert.Equal("test", info.Metadata["owner"]);
        await Assert.ThrowsAsync<ArgumentException>(() => Run(id, Language.JavaScript, "1"));
        await Run(id, Language.Python, "v = 1\nopen('keep.txt', 'w').write('k')");
        await _sandbox.Sessions.ResetAsync(id);
        var r = await Run(id, Language.Python, "print('v' in globals(), open('keep.txt').read())");
        Assert.Equal("False k\n", r.Stdout);
        await _sandbox.Sessions.ResetAsync(id, clearFiles: true);
        Assert.Empty(await _sandbox.Sessions.ListFilesAsync(id));
        Assert.Contains(await _sandbox.Sessions.ListAsync(), x => x.Id == id);
    }

    [Fact]
    public async Task Workspace_info_lists_variables_files_and_quota()
    {
        string s = await NewSession();
        await Run(s, Language.Python, "import json\nrows = [1, 2]\ndef helper(): pass\nopen('a.txt', 'w').write('abc')");
        var info = await _sandbox.Sessions.GetWorkspaceInfoAsync(s);
        Assert.Contains("rows", info.Variables["python"]);
        Assert.Contains("helper", info.Variables["python"]);
        Assert.Contains("json", info.Variables["python"]);
        Assert.Equal(3, info.UsedBytes);
        await Run(s, Language.JavaScript, "const limit = 5;\nvar seen = [];\nfunction track() {}");
        var withJs = await _sandbox.Sessions.GetWorkspaceInfoAsync(s);
        Assert.Equal(["limit", "seen", "track"], withJs.Variables["javascript"].Order());
        Assert.Equal(100L * 1024 * 1024, info.QuotaBytes);
    }

    [Fact]
    public async Task State_survives_a_host_restart_through_storage()
    {
        string root = Path.Combine(fixture.Root, "restart");
        var options = SandboxFixture.CreateOptions(root);
        string s;
        await using (var first = new WasmCodeSandbox(options))
        {
            s = (await first.Sessions.CreateAsync()).Id;
            await first.ExecuteAsync(new ExecutionRequest(Language.Python, "import statistics\nscores = [3, 4, 5]\ndef mean(): return statistics.mean(scores)") { SessionId = s });
            await first.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "var total = 99;") { SessionId = s });
        }
        await using var second = new WasmCodeSandbox(options);
        var py = await second.ExecuteAsync(new ExecutionRequest(Language.Python, "print(mean())") { SessionId = s });
        Assert.Equal("4\n", py.Stdout);
        var js = await second.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log(total + 1)") { SessionId = s });
        Assert.Equal("100\n", js.Stdout);
    }

    [Fact]
    public async Task Prune_removes_idle_sessions_and_reports_them()
    {
        string root = Path.Combine(fixture.Root, "prune");
        var options = SandboxFixture.CreateOptions(root);
        options.Sessions.IdleTimeout = TimeSpan.FromMilliseconds(300);
        await using var sandbox = new WasmCodeSandbox(options);
        string old = (await sandbox.Sessions.CreateAsync()).Id;
        await Task.Delay(500);
        string fresh = (await sandbox.Sessions.CreateAsync()).Id;
        var report = await sandbox.Sessions.PruneAsync();
        Assert.Equal([old], report.Removed);
        Assert.Equal(1, report.Remaining);
        Assert.False(Directory.Exists(Path.Combine(root, "sessions", old)));
        Assert.NotNull(await sandbox.Sessions.GetAsync(fresh));
    }

    [Fact]
    public async Task JavaScript_sandbox_utils_and_relative_paths_work_in_app()
    {
        string s = await NewSession();
        await _sandbox.Sessions.WriteFileAsync(s, "t.csv", Encoding.UTF8.GetBytes("name,qty\napple,3\n\"pear, ripe\",5\n"));
        var r = await Run(s, Language.JavaScript, """
            const su = require('sandbox_utils');
            const rows = su.csvToJson('t.csv', 'out.json');
            console.log(JSON.stringify(su.ls()), rows[1].name, su.head('t.csv', 1)[0], su.wc('t.csv').lines);
            console.log(require('fs').readFileSync('out.json', 'utf8').length > 10, su.find('*.json').join(','));
            try { su.cat('/etc/passwd'); } catch (e) { console.log('refused', e.code); }
            """);
        Assert.True(r.IsSuccess, r.Stderr);
        Assert.Equal("[\"out.json\",\"t.csv\"] pear, ripe name,qty 3\ntrue out.json\nrefused EACCES\n", r.Stdout);
    }

    [Fact]
    public async Task Sandbox_utils_work_inside_app_only()
    {
        string s = await NewSession();
        await _sandbox.Sessions.WriteFileAsync(s, "t.csv", Encoding.UTF8.GetBytes("name,qty\napple,3\npear,5\n"));
        var r = await Run(s, Language.Python, """
            import sandbox_utils as su
            su.mkdir('out')
            rows = su.csv_to_json('t.csv', out='out/t.json')
            print(su.ls(), su.head('t.csv', 2), su.wc('t.csv')['lines'], rows[1]['qty'])
            print(su.grep('pear', '.', glob='*.csv'))
            su.cp('t.csv', 'out/copy.csv'); su.replace('out/copy.csv', 'apple', 'plum')
            print(su.tail('out/copy.csv', 2), su.find('*.json'))
            try:
                su.cat('/etc/passwd')
            except PermissionError as e:
                print('refused')
            """);
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        var lines = r.Stdout.Split('\n');
        Assert.Equal("['out/', 't.csv'] ['name,qty', 'apple,3'] 3 5", lines[0]);
        Assert.Equal("[('t.csv', 3, 'pear,5')]", lines[1]);
        Assert.Equal("['plum,3', 'pear,5'] ['out/t.json']", lines[2]);
        Assert.Equal("refused", lines[3]);
    }
}
