using System.Diagnostics;
using System.Text.Json;

namespace SkWasmPlugin.Cli.Tests;

/// <summary>Runs the real `skwasm` executable (built beside the tests) as a person would.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "skwasm-cli-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// SKWASM_HOME moves the module cache too, so each test's fresh home would compile Python again (seconds per
    /// process): the homes share one cache folder through a link, as processes of one user share theirs.
    /// </summary>
    public CliTests()
    {
        string shared = Path.Combine(Path.GetTempPath(), "skwasm-cli-test-modules");
        Directory.CreateDirectory(shared);
        Directory.CreateDirectory(_home);
        Directory.CreateSymbolicLink(Path.Combine(_home, "modules"), shared);
    }

    private async Task<(int Code, string Stdout, string Stderr)> Skwasm(string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "skwasm.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["SKWASM_HOME"] = _home;
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Run_prints_output_and_a_summary_and_exits_0()
    {
        var (code, stdout, stderr) = await Skwasm(null, "run", "--lang", "python", "--code", "print(6 * 7)");
        Assert.Equal(0, code);
        Assert.Equal("42\n", stdout);
        Assert.Contains("Success", stderr);
        Assert.Contains("fuel", stderr);
    }

    [Fact]
    public async Task A_run_under_the_JIT_leaves_its_startup_profile_in_the_module_cache_for_the_next()
    {
        string modules = Path.Combine(_home, "modules");
        var started = DateTime.UtcNow.AddSeconds(-2); // file times are coarse on some file systems
        var (code, _, _) = await Skwasm(null, "run", "--lang", "javascript", "--code", "console.log(1)");
        Assert.Equal(0, code);
        // The folder is shared by test runs of other builds (each build, like each app, has a profile of its own).
        var written = Directory.GetFiles(modules, "jit-skwasm-*.profile").Where(f => File.GetLastWriteTimeUtc(f) >= started).ToList();
        if (Environment.ProcessorCount < 2)
        {
            Assert.Empty(written); // multicore JIT needs a second core: nothing recorded
            return;
        }
        // Written by the runtime as the process exited (SandboxOptions.JitStartupProfile, on by default).
        string profile = Assert.Single(written);
        Assert.True(new FileInfo(profile).Length > 1024, "the profile records no methods");
    }

    [Fact]
    public async Task Json_output_has_the_documented_shape_and_a_failure_exits_1()
    {
        var (code, stdout, _) = await Skwasm(null, "run", "-l", "js", "-c", "const a = 1;\nconsole.log(b);", "--json");
        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("error", root.GetProperty("outcome").GetString());
        foreach (string name in new[] { "stdout", "stderr", "exitCode", "fuelConsumed", "fuelBudget", "durationMs", "stdoutTruncated", "stderrTruncated" })
            Assert.True(root.TryGetProperty(name, out _), name);
        var g = root.GetProperty("guidance");
        Assert.Equal("ReferenceError", g.GetProperty("errorType").GetString());
        Assert.Equal(2, g.GetProperty("line").GetInt32());
        Assert.Equal("console.log(b);", g.GetProperty("sourceLine").GetString());
        Assert.False(string.IsNullOrEmpty(g.GetProperty("fix").GetString()));
        Assert.False(string.IsNullOrEmpty(g.GetProperty("category").GetString()));
        var f = root.GetProperty("fuelAnalysis");
        foreach (string name in new[] { "consumed", "budget", "utilizationPercent", "status" })
            Assert.True(f.TryGetProperty(name, out _), name);
    }

    [Fact]
    public async Task The_last_expression_is_shown_as_Out_and_the_files_the_run_made_are_named()
    {
        var (code, stdout, stderr) = await Skwasm(null, "run", "-l", "python", "-c",
            "import sandbox_utils as su\nprint('hi', end='')\nopen('table.csv', 'w').write('a\\n1\\n')\nsu.show('<svg xmlns=\"http://www.w3.org/2000/svg\"/>')\nsorted([3, 1, 2])");
        Assert.Equal(0, code);
        Assert.Equal("hi\nOut: [1, 2, 3]\n", stdout);
        Assert.Contains("created: table.csv (text/csv, 4 bytes)", stderr);
        Assert.Contains("shown: .skwasm/show/001.svg (image/svg+xml, 41 bytes)", stderr);
        Assert.Matches(@"memory \d+(\.\d)? MB", stderr);

        var (_, json, _) = await Skwasm(null, "run", "-l", "js", "-c", "fs.writeFileSync('a.txt', 'x'); [1, 2]", "--json");
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("[ 1, 2 ]", root.GetProperty("result").GetString());
        Assert.True(root.GetProperty("peakMemoryBytes").GetInt64() > 0);
        var file = Assert.Single(root.GetProperty("files").EnumerateArray());
        Assert.Equal("a.txt", file.GetProperty("path").GetString());
        Assert.Equal("created", file.GetProperty("change").GetString());
        Assert.Equal("text/plain", file.GetProperty("mediaType").GetString());
        Assert.False(file.GetProperty("shown").GetBoolean());
        Assert.False(file.TryGetProperty("content", out _));
    }

    [Fact]
    public async Task Out_writes_the_files_the_run_made_and_renders_svg_as_png()
    {
        string outDir = Path.Combine(_home, "artifacts");
        var (code, _, stderr) = await Skwasm(null, "run", "-l", "py", "--out", outDir, "--code",
            "import pygal\nc = pygal.Bar(width=200, height=120)\nc.add('a', [1, 3])\nc.render_to_file('chart.svg')\nopen('notes.txt', 'w').write('hi')");
        Assert.Equal(0, code);
        Assert.True(File.ReadAllText(Path.Combine(outDir, "chart.svg")).Contains("<svg", StringComparison.Ordinal));
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], File.ReadAllBytes(Path.Combine(outDir, "chart.png"))[..4]);
        Assert.Contains("wrote:", stderr);
        Assert.Contains("notes.txt: not kept by a stateless run", stderr);

        var (sessionCode, _, _) = await Skwasm(null, "run", "-l", "py", "--session", "keep", "--out", outDir, "--code", "open('notes.txt', 'w').write('kept')");
        Assert.Equal(0, sessionCode);
        Assert.Equal("kept", File.ReadAllText(Path.Combine(outDir, "notes.txt")));
    }

    [Fact]
    public async Task A_session_keeps_variables_between_invocations()
    {
        Assert.Equal(0, (await Skwasm(null, "run", "-l", "py", "-c", "x = 41", "--session", "demo")).Code);
        var (code, stdout, _) = await Skwasm(null, "run", "-l", "py", "-c", "print(x + 1)", "--session", "demo");
        Assert.Equal(0, code);
        Assert.Equal("42\n", stdout);
        var (listCode, list, _) = await Skwasm(null, "session", "list");
        Assert.Equal(0, listCode);
        Assert.Contains("demo", list);
        Assert.Equal(0, (await Skwasm(null, "session", "destroy", "demo")).Code);
        Assert.Equal(2, (await Skwasm(null, "session", "destroy", "demo")).Code);
    }

    [Fact]
    public async Task Session_list_shows_the_CLI_store_only_and_not_another_application_s_sessions()
    {
        Assert.Equal(0, (await Skwasm(null, "run", "-l", "py", "-c", "x = 1", "--session", "mine")).Code);
        Assert.Equal(0, (await Skwasm(null, "run", "-l", "py", "-c", "x = 2", "--session", "theirs")).Code);
        string store = Path.Combine(_home, "sessions", "skwasm");
        Assert.True(Directory.Exists(Path.Combine(store, "mine")));
        // Another application's store under the same root: moved there, the session is that app's, not the CLI's.
        string other = Path.Combine(_home, "sessions", "some-other-app");
        Directory.CreateDirectory(other);
        Directory.Move(Path.Combine(store, "theirs"), Path.Combine(other, "theirs"));

        var (_, list, _) = await Skwasm(null, "session", "list");
        Assert.Contains("mine", list);
        Assert.DoesNotContain("theirs", list);
        Assert.Equal(2, (await Skwasm(null, "session", "destroy", "theirs")).Code);
        Assert.True(Directory.Exists(Path.Combine(other, "theirs")));
        Assert.Contains("theirs", (await Skwasm(null, "--store", other, "session", "list")).Stdout);
    }

    [Fact]
    public async Task Files_and_stdin_are_read_and_the_language_is_inferred()
    {
        Directory.CreateDirectory(_home);
        string script = Path.Combine(_home, "upper.js");
        await File.WriteAllTextAsync(script, "console.log(readStdin().trim().toUpperCase())");
        string input = Path.Combine(_home, "in.txt");
        await File.WriteAllTextAsync(input, "shout");
        Assert.Equal("SHOUT\n", (await Skwasm(null, "run", script, "--stdin", input)).Stdout);
        Assert.Equal("7\n", (await Skwasm("print(3 + 4)", "run", "-", "--lang", "py")).Stdout);
    }

    [Fact]
    public async Task Streamed_output_keeps_both_streams_whole_and_the_summary_comes_after_them()
    {
        var (code, stdout, stderr) = await Skwasm(null, "run", "-l", "py", "-c",
            "import sys\nprint('a')\nprint('b', file=sys.stderr)\nprint('c')\n1/0");
        Assert.Equal(1, code);
        Assert.Equal("a\nc\n", stdout);
        Assert.StartsWith("b\n", stderr);
        int traceback = stderr.IndexOf("ZeroDivisionError: division by zero", StringComparison.Ordinal);
        int summary = stderr.IndexOf("Error ·", StringComparison.Ordinal);
        Assert.True(traceback > 0 && summary > traceback, stderr);

        var js = await Skwasm(null, "run", "-l", "js", "-c", "for (let i = 0; i < 3; i++) console.log('line', i);");
        Assert.Equal("line 0\nline 1\nline 2\n", js.Stdout);
    }

    [Fact]
    public async Task Piped_output_is_not_wrapped_at_80_columns()
    {
        string name = "a_variable_whose_name_is_long_enough_to_wrap_" + new string('x', 120);
        var (code, _, stderr) = await Skwasm(null, "run", "-l", "py", "-c", $"print({name})");
        Assert.Equal(1, code);
        string fix = Assert.Single(stderr.Split('\n'), l => l.StartsWith("fix:", StringComparison.Ordinal));
        Assert.Contains($"'{name}' is not defined at line 1.", fix);
        Assert.True(fix.Length > 200, fix);

        string session = "session-with-a-long-id-" + new string('7', 41); // 64 characters: with the table's other columns, past 80
        Assert.Equal(0, (await Skwasm(null, "run", "-l", "py", "-c", "x = 1", "--session", session)).Code);
        var (listCode, list, _) = await Skwasm(null, "session", "list");
        Assert.Equal(0, listCode);
        Assert.Contains(session, list);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("run", "--code", "x")]
    [InlineData("run", "--lang", "cobol", "--code", "x")]
    [InlineData("run", "--lang", "py", "--code", "x", "--fuel", "-1")]
    [InlineData("run", "no-such-file.py")]
    [InlineData("run", "--nonsense")]
    [InlineData("session", "show", "../etc")]
    public async Task Bad_usage_exits_2_with_a_message(params string[] args)
    {
        var (code, _, stderr) = await Skwasm(null, args);
        Assert.Equal(2, code);
        Assert.Contains("skwasm:", stderr);
    }

    [Fact]
    public async Task Limits_from_the_command_line_are_applied()
    {
        var (code, stdout, _) = await Skwasm(null, "run", "-l", "py", "-c", "while True: pass", "--fuel", "50000000", "--json");
        Assert.Equal(1, code);
        Assert.Equal("fuelExhausted", JsonDocument.Parse(stdout).RootElement.GetProperty("outcome").GetString());
        var timed = await Skwasm(null, "run", "-l", "py", "-c", "import time; time.sleep(100)", "--timeout-ms", "300", "--json");
        Assert.Equal("timedOut", JsonDocument.Parse(timed.Stdout).RootElement.GetProperty("outcome").GetString());
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }
}
