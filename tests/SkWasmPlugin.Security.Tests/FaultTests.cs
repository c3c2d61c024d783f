using System.Text;

namespace SkWasmPlugin.Security.Tests;

/// <summary>Storage that fails on demand, corrupt checkpoints, missing or corrupt runtime files.</summary>
[Collection(SecurityCollection.Name)]
public sealed class FaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "skwasm-faults-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => SecurityFixture.TryDelete(_root);

    private SandboxOptions Options(string? runtimes = null, string? moduleCache = null)
    {
        var options = SecurityFixture.CreateOptions(_root);
        options.RuntimesPath = runtimes;
        if (moduleCache is not null) options.ModuleCachePath = moduleCache;
        return options;
    }

    private string StorageRoot => Path.Combine(_root, "sessions");

    private static Task<ExecutionResult> Run(WasmCodeSandbox sandbox, string code, string? session) =>
        sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code) { SessionId = session });

    [Fact]
    public async Task A_failing_checkpoint_save_keeps_the_last_good_checkpoint()
    {
        var storage = new FaultyStorage(new LocalWorkspaceStorage(StorageRoot));
        string id;
        await using (var sandbox = new WasmCodeSandbox(Options(), storage))
        {
            id = (await sandbox.Sessions.CreateAsync()).Id;
            Assert.True((await Run(sandbox, "x = 1", id)).IsSuccess);
            await sandbox.Sessions.FlushAsync();
            Assert.Equal(0, storage.Failures);

            storage.FailSaves = true;
            var second = await Run(sandbox, "x = 2\nprint(x)", id);
            output.WriteLine($"x = 2 with failing saves: {second.Outcome} {second.Stdout.Trim()} notes: {string.Join(" | ", second.Notes)}");
            Assert.Equal(ExecutionOutcome.Success, second.Outcome); // the call still returns its result
            Assert.Equal("2\n", second.Stdout);
            try
            {
                await sandbox.Sessions.FlushAsync();
            }
            catch (IOException ex)
            {
                output.WriteLine("FlushAsync passed the storage failure on: " + ex.Message);
            }
            Assert.True(storage.Failures > 0, "the save of x = 2 was never attempted");
        }

        // No torn files: only the checkpoint, no temporaries.
        var stateFiles = Directory.GetFiles(Path.Combine(StorageRoot, id, "state")).Select(Path.GetFileName).ToList();
        output.WriteLine("state files: " + string.Join(", ", stateFiles));
        Assert.Equal(["python.ckpt"], stateFiles);

        // Another sandbox (another process, as far as the store knows) reloads the last good checkpoint.
        await using (var again = new WasmCodeSandbox(Options()))
        {
            var r = await Run(again, "print(x)", id);
            output.WriteLine($"reloaded: {r.Outcome} {r.Stdout.Trim()} {r.Stderr.Trim()} notes: {string.Join(" | ", r.Notes)}");
            Assert.Equal(ExecutionOutcome.Success, r.Outcome);
            Assert.Equal("1\n", r.Stdout);
        }
    }

    public static TheoryData<string> Corruptions() => ["garbage-header", "truncated", "flipped-body", "empty", "other-build"];

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task A_corrupt_checkpoint_gives_a_note_and_a_fresh_state(string corruption)
    {
        string id;
        await using (var sandbox = new WasmCodeSandbox(Options()))
        {
            id = (await sandbox.Sessions.CreateAsync()).Id;
            Assert.True((await Run(sandbox, "y = 5\nopen('kept.txt', 'w').write('kept')", id)).IsSuccess);
        }
        string file = Path.Combine(StorageRoot, id, "state", "python.ckpt");
        byte[] data = await File.ReadAllBytesAsync(file);
        byte[] bad = corruption switch
        {
            "garbage-header" => [.. Enumerable.Repeat((byte)0xA5, 64), .. data.AsSpan(64)],
            "truncated" => data[..(data.Length / 3)],
            "flipped-body" => Flip(data),
            "empty" => [],
            "other-build" => Encoding.UTF8.GetBytes("\u000dSKWASM-CKPT-1\u0005other") is var b ? [.. b, .. data.AsSpan(b.Length)] : data,
            _ => throw new ArgumentOutOfRangeException(nameof(corruption)),
        };
        await File.WriteAllBytesAsync(file, bad);

        await using var fresh = new WasmCodeSandbox(Options());
        var r = await Run(fresh, "print('y' in globals(), open('kept.txt').read())", id);
        output.WriteLine($"{corruption}: {r.Outcome} {r.Stdout.Trim()} {r.Stderr.Trim()}");
        foreach (string note in r.Notes) output.WriteLine("note: " + note);
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        Assert.Equal("False kept\n", r.Stdout);
        Assert.Contains(r.Notes, n => n.Contains("could not be loaded", StringComparison.Ordinal) && n.Contains("fresh interpreter", StringComparison.Ordinal));
        var next = await Run(fresh, "z = 3\nprint(z * 2)", id);
        Assert.Equal("6\n", next.Stdout);
        Assert.Empty(next.Notes);

        static byte[] Flip(byte[] d)
        {
            var copy = (byte[])d.Clone();
            for (int i = copy.Length / 2; i < copy.Length; i += 97) copy[i] ^= 0x5A;
            return copy;
        }
    }

    private string CopyRuntimes()
    {
        string target = Path.Combine(_root, "runtimes");
        foreach (string file in Directory.EnumerateFiles(HostState.RuntimeFolder, "*", SearchOption.AllDirectories))
        {
            string dest = Path.Combine(target, Path.GetRelativePath(HostState.RuntimeFolder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
        return target;
    }

    [Theory]
    [InlineData("python/python.wasm")]
    [InlineData("python/lib/python3.11/_skwasm.pyc")]
    [InlineData("quickjs/qjs.wasm")]
    public void A_missing_runtime_file_is_a_clear_error_at_start(string file)
    {
        string runtimes = CopyRuntimes();
        File.Delete(Path.Combine(runtimes, file));
        var ex = Assert.ThrowsAny<IOException>(() =>
        {
            using var sandbox = new WasmCodeSandbox(Options(runtimes));
            sandbox.Warmup();
        });
        output.WriteLine($"{ex.GetType().Name}: {ex.Message}");
        Assert.Contains(Path.GetFileName(file), ex.Message, StringComparison.Ordinal);
        Assert.Contains("RuntimesPath", ex.Message, StringComparison.Ordinal); // names the fix
    }

    [Theory]
    [InlineData("python/python.wasm", Language.Python, true)]
    [InlineData("python/python.wasm", Language.Python, false)]
    [InlineData("quickjs/qjs.wasm", Language.JavaScript, true)]
    [InlineData("python/lib/python3.11/_skwasm.pyc", Language.Python, true)]
    public async Task A_corrupt_runtime_file_is_a_clear_error_at_warmup_or_first_use(string file, Language language, bool warmup)
    {
        string runtimes = CopyRuntimes();
        byte[] junk = new byte[4096];
        new Random(42).NextBytes(junk);
        await File.WriteAllBytesAsync(Path.Combine(runtimes, file), junk);

        // A module cache of its own, so that a cached compile of the good file cannot hide the junk.
        await using var sandbox = new WasmCodeSandbox(Options(runtimes, Path.Combine(_root, "module-cache")));
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            if (warmup) sandbox.Warmup(language);
            else await sandbox.ExecuteAsync(new ExecutionRequest(language, "print(1)"));
        });
        output.WriteLine($"{ex.GetType().Name}: {ex.Message}");
        Assert.IsType<InvalidOperationException>(ex);
        Assert.Contains(language.Name(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("git checkout -- runtimes", ex.Message, StringComparison.Ordinal); // names the fix
    }

    [Fact]
    public async Task A_corrupt_module_cache_entry_is_recompiled()
    {
        string cache = Path.Combine(_root, "module-cache");
        await using (var first = new WasmCodeSandbox(Options(moduleCache: cache)))
            first.Warmup(Language.JavaScript);
        string[] entries = Directory.GetFiles(cache, "*.cwasm");
        Assert.NotEmpty(entries);
        foreach (string entry in entries) await File.WriteAllBytesAsync(entry, Encoding.UTF8.GetBytes("not a compiled module"));

        await using var second = new WasmCodeSandbox(Options(moduleCache: cache));
        var r = await second.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "console.log(6 * 7)"));
        Assert.Equal("42\n", r.Stdout);
    }

    /// <summary>Local storage whose checkpoint saves throw while <see cref="FailSaves"/> is set.</summary>
    private sealed class FaultyStorage(IWorkspaceStorage inner) : IWorkspaceStorage
    {
        public volatile bool FailSaves;
        private int _failures;

        public Task<IAsyncDisposable?> TryLockSessionAsync(string sessionId, TimeSpan wait, CancellationToken cancellationToken = default) =>
            inner.TryLockSessionAsync(sessionId, wait, cancellationToken);
        public int Failures => _failures;

        public Task SaveStateAsync(string sessionId, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            if (!FailSaves) return inner.SaveStateAsync(sessionId, name, data, cancellationToken);
            Interlocked.Increment(ref _failures);
            throw new IOException("Injected fault: the disk is gone.");
        }

        public Task<string> OpenWorkspaceAsync(string sessionId, CancellationToken cancellationToken = default) => inner.OpenWorkspaceAsync(sessionId, cancellationToken);
        public Task SyncWorkspaceAsync(string sessionId, CancellationToken cancellationToken = default) => inner.SyncWorkspaceAsync(sessionId, cancellationToken);
        public Task SaveRecordAsync(SessionRecord record, CancellationToken cancellationToken = default) => inner.SaveRecordAsync(record, cancellationToken);
        public Task<SessionRecord?> LoadRecordAsync(string sessionId, CancellationToken cancellationToken = default) => inner.LoadRecordAsync(sessionId, cancellationToken);
        public Task<IReadOnlyList<string>> ListSessionIdsAsync(CancellationToken cancellationToken = default) => inner.ListSessionIdsAsync(cancellationToken);
        public Task<byte[]?> LoadStateAsync(string sessionId, string name, CancellationToken cancellationToken = default) => inner.LoadStateAsync(sessionId, name, cancellationToken);
        public Task DeleteStateAsync(string sessionId, string name, CancellationToken cancellationToken = default) => inner.DeleteStateAsync(sessionId, name, cancellationToken);
        public Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default) => inner.DeleteSessionAsync(sessionId, cancellationToken);
    }
}
