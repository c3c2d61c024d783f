namespace SkWasmPlugin.Security.Tests;

/// <summary>
/// Invalid requests through the public API: each is refused with an ArgumentException (or a subclass, or
/// SessionNotFoundException) and a clear message, and nothing is changed: no session, no file.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class BadInputTests(SecurityFixture fixture, ITestOutputHelper output)
{
    private readonly WasmCodeSandbox _sandbox = fixture.Sandbox;

    public static TheoryData<string> BadSessionIds() => ["../x", "a/b", "", " ", "x" + new string('x', 99), "bad id", "nul\0", "..", ".", "-lead", "a\\b", "ä", "a\nb"];

    /// <summary>Runs <paramref name="action"/>, expects a refusal, and checks that the session store did not change.</summary>
    private async Task<Exception> Refused(Func<Task> action, string what)
    {
        var before = Snapshot();
        var ex = await Record.ExceptionAsync(action);
        Assert.NotNull(ex);
        output.WriteLine($"{what}: {ex.GetType().Name}: {ex.Message}");
        Assert.True(ex is ArgumentException or SessionNotFoundException, $"{what}: unexpected {ex.GetType().Name}: {ex.Message}");
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.Equal(before, Snapshot());
        return ex;
    }

    /// <summary>Every entry under the session store and the scratch folder, with sizes.</summary>
    private string Snapshot() => string.Join("\n",
        HostState.Walk(fixture.Root).Where(e => !e.Name.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(e => $"{Path.GetRelativePath(fixture.Root, e.FullName)}:{(e is FileInfo f ? f.Length : -1)}")
            .Where(s => !s.Contains("state", StringComparison.Ordinal) && !s.Contains("session.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal));

    private Task Run(ExecutionRequest request) => _sandbox.ExecuteAsync(request);

    [Fact]
    public async Task Null_empty_and_whitespace_code_is_refused()
    {
        await Refused(() => _sandbox.ExecuteAsync(null!), "null request");
        await Refused(() => Run(new ExecutionRequest(Language.Python, null!)), "null code");
        await Refused(() => Run(new ExecutionRequest(Language.Python, "")), "empty code");
        await Refused(() => Run(new ExecutionRequest(Language.JavaScript, " \n\t\r\n ")), "whitespace code");
        await Refused(() => Run(new ExecutionRequest(Language.Python, "print(1)\0")), "NUL in code");
    }

    [Fact]
    public async Task Code_and_stdin_over_their_limits_are_refused()
    {
        var ex = await Refused(() => Run(new ExecutionRequest(Language.Python, "#" + new string('a', _sandbox.Options.MaxCodeBytes))), "code over MaxCodeBytes");
        Assert.Contains("limit", ex.Message, StringComparison.OrdinalIgnoreCase);
        // Multi-byte characters count in UTF-8 bytes, not chars.
        await Refused(() => Run(new ExecutionRequest(Language.Python, "#" + new string('é', _sandbox.Options.MaxCodeBytes / 2 + 1))), "code over MaxCodeBytes in UTF-8");
        await Refused(() => Run(new ExecutionRequest(Language.Python, "print(1)") { Stdin = new string('s', _sandbox.Options.MaxStdinBytes + 1) }), "stdin over MaxStdinBytes");
    }

    [Fact]
    public async Task Unknown_language_values_are_refused()
    {
        await Refused(() => Run(new ExecutionRequest((Language)42, "print(1)")), "language 42");
        await Refused(() => Run(new ExecutionRequest((Language)(-1), "print(1)")), "language -1");
        await Refused(() => _sandbox.Sessions.CreateAsync(new SessionOptions { Language = (Language)7 }), "session language 7");
        Assert.Throws<ArgumentException>(() => Languages.Parse("cobol"));
    }

    [Theory]
    [MemberData(nameof(BadSessionIds))]
    public async Task Invalid_session_ids_are_refused_everywhere(string id)
    {
        await Refused(() => Run(new ExecutionRequest(Language.Python, "print(1)") { SessionId = id }), "execute");
        await Refused(() => _sandbox.Sessions.CreateAsync(new SessionOptions { Id = id }), "create");
        await Refused(() => _sandbox.Sessions.GetAsync(id), "get");
        await Refused(() => _sandbox.Sessions.DestroyAsync(id), "destroy");
        await Refused(() => _sandbox.Sessions.ResetAsync(id, clearFiles: true), "reset");
        await Refused(() => _sandbox.Sessions.WriteFileAsync(id, "f.txt", "x"u8.ToArray()), "write file");
        await Refused(() => _sandbox.Sessions.ReadFileAsync(id, "f.txt"), "read file");
        await Refused(() => _sandbox.Sessions.ListFilesAsync(id), "list files");
        await Refused(() => _sandbox.Sessions.DeleteFileAsync(id, "f.txt"), "delete file");
        await Refused(() => _sandbox.Sessions.GetWorkspaceInfoAsync(id), "workspace info");
        await Refused(() => _sandbox.Sessions.InstallPackageAsync(id, "attrs"), "install package");
    }

    [Fact]
    public async Task Unknown_but_valid_session_ids_are_not_found_and_not_created()
    {
        const string id = "no-such-session-1234";
        var ex = await Refused(() => Run(new ExecutionRequest(Language.Python, "print(1)") { SessionId = id }), "execute");
        Assert.IsType<SessionNotFoundException>(ex);
        Assert.IsType<SessionNotFoundException>(await Refused(() => _sandbox.Sessions.WriteFileAsync(id, "f.txt", "x"u8.ToArray()), "write file"));
        Assert.Null(await _sandbox.Sessions.GetAsync(id));
        Assert.False(await _sandbox.Sessions.DestroyAsync(id));
        Assert.False(Directory.Exists(Path.Combine(fixture.StorageRoot, id)));
    }

    public static TheoryData<string, ExecutionLimits> BadLimits() => new()
    {
        { "negative fuel", new ExecutionLimits { Fuel = -1 } },
        { "zero fuel", new ExecutionLimits { Fuel = 0 } },
        { "fuel over max", new ExecutionLimits { Fuel = long.MaxValue } },
        { "zero timeout", new ExecutionLimits { Timeout = TimeSpan.Zero } },
        { "negative timeout", new ExecutionLimits { Timeout = TimeSpan.FromSeconds(-5) } },
        { "timeout over max", new ExecutionLimits { Timeout = TimeSpan.FromDays(3) } },
        { "memory over max", new ExecutionLimits { MemoryBytes = 64L * 1024 * 1024 * 1024 } },
        { "memory tiny", new ExecutionLimits { MemoryBytes = 1 } },
        { "negative memory", new ExecutionLimits { MemoryBytes = -1 } },
        { "zero stdout", new ExecutionLimits { MaxStdoutBytes = 0 } },
        { "negative stderr", new ExecutionLimits { MaxStderrBytes = -5 } },
        { "stdout over max", new ExecutionLimits { MaxStdoutBytes = int.MaxValue } },
    };

    [Theory]
    [MemberData(nameof(BadLimits))]
    public async Task Invalid_limits_are_refused(string what, ExecutionLimits limits)
    {
        var ex = await Refused(() => Run(new ExecutionRequest(Language.Python, "print(1)") { Limits = limits }), what);
        Assert.IsType<ArgumentOutOfRangeException>(ex);
        Assert.Contains("Invalid limits", ex.Message, StringComparison.Ordinal);
        // Also as a session's default limits: the session is not created.
        Assert.IsType<ArgumentOutOfRangeException>(await Refused(() => _sandbox.Sessions.CreateAsync(new SessionOptions { Limits = limits }), what + " (session default)"));
    }

    [Fact]
    public async Task Invalid_session_quotas_are_refused()
    {
        await Refused(() => _sandbox.Sessions.CreateAsync(new SessionOptions { MaxWorkspaceBytes = 0 }), "zero quota");
        await Refused(() => _sandbox.Sessions.CreateAsync(new SessionOptions { MaxWorkspaceBytes = -1 }), "negative quota");
        await Refused(() => _sandbox.Sessions.CreateAsync(new SessionOptions { MaxFiles = 0 }), "zero files");
    }

    [Fact]
    public async Task Lone_surrogates_in_code_and_stdin_are_refused()
    {
        await Refused(() => Run(new ExecutionRequest(Language.Python, "print('\uD800')")), "lone high surrogate in code");
        await Refused(() => Run(new ExecutionRequest(Language.JavaScript, "console.log('\uDC00x')")), "lone low surrogate in code");
        await Refused(() => Run(new ExecutionRequest(Language.Python, "print(input())") { Stdin = "a\uD83Db" }), "lone surrogate in stdin");
        var ok = await _sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "print(len('\U0001F600'), ord('\U0001F600'))"));
        Assert.Equal("1 128512\n", ok.Stdout); // a proper pair is fine: one code point
    }

    public static TheoryData<string> BadPaths() =>
    [
        "a\0b", "\0", "../x", "../../etc/passwd", "/etc/passwd", "/app/../x", "a/../../x", "C:\\x", "\\\\server\\share",
        "", " ", "/app", "x/{D800}y", "{DC00}", new string('n', 300), "a/" + new string('n', 256),
    ];

    [Theory]
    [MemberData(nameof(BadPaths))]
    public async Task Invalid_upload_paths_are_refused(string path)
    {
        // Lone surrogates are spelled {D800}: test case names cannot carry them (they are serialised as U+FFFD).
        path = path.Replace("{D800}", "\uD800", StringComparison.Ordinal).Replace("{DC00}", "\uDC00", StringComparison.Ordinal);
        var session = await _sandbox.Sessions.CreateAsync();
        try
        {
            await Refused(() => _sandbox.Sessions.WriteFileAsync(session.Id, path, "data"u8.ToArray()), $"write '{Printable(path)}'");
            await Refused(() => _sandbox.Sessions.ReadFileAsync(session.Id, path), $"read '{Printable(path)}'");
            Assert.Empty(await _sandbox.Sessions.ListFilesAsync(session.Id));
        }
        finally
        {
            await _sandbox.Sessions.DestroyAsync(session.Id);
        }
    }

    [Fact]
    public async Task Uploads_over_the_quota_write_nothing()
    {
        var session = await _sandbox.Sessions.CreateAsync(new SessionOptions { MaxWorkspaceBytes = 1024, MaxFiles = 3 });
        try
        {
            var ex = await Record.ExceptionAsync(() => _sandbox.Sessions.WriteFileAsync(session.Id, "big.bin", new byte[2048]));
            Assert.IsType<WorkspaceQuotaExceededException>(ex);
            output.WriteLine(ex!.Message);
            await _sandbox.Sessions.WriteFileAsync(session.Id, "a/b.txt", "x"u8.ToArray()); // a/ and a/b.txt: 2 entries
            Assert.IsType<WorkspaceQuotaExceededException>(await Record.ExceptionAsync(() => _sandbox.Sessions.WriteFileAsync(session.Id, "c/d/e.txt", "x"u8.ToArray())));
            Assert.Equal(["a", "a/b.txt"], (await _sandbox.Sessions.ListFilesAsync(session.Id)).Select(f => f.Path));
        }
        finally
        {
            await _sandbox.Sessions.DestroyAsync(session.Id);
        }
    }

    private static string Printable(string s) => new(s.Take(40).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c).ToArray());
}
