using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace SkWasmPlugin.Security.Tests;

/// <summary>Runs every program of the attack catalogue (attacks/) through the public API.</summary>
[Collection(SecurityCollection.Name)]
public sealed class AttackTests(SecurityFixture fixture, ITestOutputHelper output)
{
    private const long SmallQuotaBytes = 4L * 1024 * 1024;
    private const int SmallQuotaFiles = 64;
    private const int HostNoteAllowance = 512;
    private const long FuelReserveAllowance = 500_000_000;
    private readonly WasmCodeSandbox _sandbox = fixture.Sandbox;

    public static TheoryData<string> Attacks()
    {
        var data = new TheoryData<string>();
        foreach (string name in Attack.FileNames()) data.Add(name);
        return data;
    }

    [Fact]
    public void Catalogue_has_every_group_and_a_valid_header_everywhere()
    {
        var attacks = Attack.FileNames().Select(Attack.Load).ToList();
        output.WriteLine($"Attack catalogue: {attacks.Count} attacks");
        foreach (var group in attacks.GroupBy(a => a.Group).OrderBy(g => g.Key))
            output.WriteLine($"  {group.Key,-7} {group.Count(),3}  (python {group.Count(a => a.Language == Language.Python)}, javascript {group.Count(a => a.Language == Language.JavaScript)})");
        Assert.True(attacks.Count >= 60, $"only {attacks.Count} attacks");
        Assert.Equal(["fs", "interp", "net", "proc", "res"], attacks.Select(a => a.Group).Distinct().Order().ToArray());
        Assert.All(attacks, a => Assert.False(string.IsNullOrWhiteSpace(a.Description)));
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Attack_is_contained(string attack)
    {
        var a = Attack.Load(attack);
        output.WriteLine($"{a.FileName}: {a.Description}");
        output.WriteLine($"expect: {a.ExpectText}");
        var failures = new List<string>();
        var before = HostState.Capture(fixture);
        int fdsBefore = OpenDescriptors();

        var session = await _sandbox.Sessions.CreateAsync(new SessionOptions
        {
            MaxWorkspaceBytes = a.SmallSession ? SmallQuotaBytes : null,
            MaxFiles = a.SmallSession ? SmallQuotaFiles : null,
            Metadata = new Dictionary<string, string> { ["attack"] = a.FileName },
        });
        var clock = Stopwatch.StartNew();
        var result = await _sandbox.ExecuteAsync(new ExecutionRequest(a.Language, Substitute(a.Code))
        {
            SessionId = session.Id,
            Limits = a.Limits,
            JavaScriptModule = a.Module,
        });
        clock.Stop();
        Report(result, clock.Elapsed);

        // (a) the expected outcome or class, and nothing the program reports as an escape or a secret.
        if (a.CheckExpectation(result) is { } mismatch) failures.Add(mismatch);
        if (result.Stdout.Contains("ESCAPED", StringComparison.Ordinal)) failures.Add("the program printed ESCAPED");
        foreach (string secret in fixture.Secrets)
            if (result.Stdout.Contains(secret, StringComparison.Ordinal) || result.Stderr.Contains(secret, StringComparison.Ordinal))
                failures.Add($"a host secret ({secret[..20]}…) reached the output");
        if (a.ExitCode is { } code && result.ExitCode != code) failures.Add($"exit code {result.ExitCode}, expected {code}");
        if (a.StdoutHas is { } sh && !Regex.IsMatch(result.Stdout, sh)) failures.Add($"stdout lacks /{sh}/");
        if (a.OutputHas is { } oh && !Regex.IsMatch(result.Stdout + result.Stderr, oh)) failures.Add($"output lacks /{oh}/");
        if (a.StdoutMax is { } om && Encoding.UTF8.GetByteCount(result.Stdout) > om) failures.Add($"stdout is over {om} bytes");
        // The host appends one line of its own to stderr after the capped guest output ("…was stopped").
        if (a.StderrMax is { } em && Encoding.UTF8.GetByteCount(result.Stderr) > em + HostNoteAllowance) failures.Add($"stderr is over {em} bytes");
        // The reported fuel stays within the budget plus the soft-stop reserve. A negative value after a soft
        // stop is a known reporting defect (IsolationTests.Reported_fuel_is_never_negative_after_a_soft_stop).
        if (result.FuelConsumed > result.FuelBudget + FuelReserveAllowance)
            failures.Add($"fuel consumed {result.FuelConsumed:N0} is over the budget ({result.FuelBudget:N0}) plus reserve");
        if (result.FuelConsumed < 0) output.WriteLine($"NOTE: known defect: negative fuel consumed ({result.FuelConsumed:N0})");
        if (a.MaxDuration is { } max && clock.Elapsed > max) failures.Add($"took {clock.Elapsed.TotalSeconds:0.00} s, allowed {max.TotalSeconds} s");

        if (a.AlsoStateless)
        {
            var s = await _sandbox.ExecuteAsync(new ExecutionRequest(a.Language, Substitute(a.Code)) { Limits = a.Limits, JavaScriptModule = a.Module });
            output.WriteLine($"stateless run: {s.Outcome} {Trim(s.Stdout, 300)} {Trim(s.Stderr, 300)}");
            if (a.CheckExpectation(s) is { } m) failures.Add("stateless: " + m);
            if (s.Stdout.Contains("ESCAPED", StringComparison.Ordinal)) failures.Add("the stateless run printed ESCAPED");
        }

        // (b) the host is alive: we are still running. (c) nothing outside the workspace changed, and the
        // workspace itself stayed within its quota and holds no links.
        failures.AddRange(CheckWorkspace(session.Id, a.SmallSession ? SmallQuotaBytes : fixture.Sandbox.Options.Sessions.DefaultMaxWorkspaceBytes,
            a.SmallSession ? SmallQuotaFiles : fixture.Sandbox.Options.Sessions.DefaultMaxFiles));
        failures.AddRange(HostState.Compare(before, HostState.Capture(fixture), fixture));

        // Host descriptors: the guest cannot hold more than its per-interpreter cap.
        int fdsAfter = OpenDescriptors();
        output.WriteLine($"host descriptors: {fdsBefore} before, {fdsAfter} after the attack");
        if (fdsAfter - fdsBefore > MaxGuestDescriptors) failures.Add($"the guest holds {fdsAfter - fdsBefore} host descriptors");

        // (d) the next call in the same session, in a fresh session and in a stateless call is healthy.
        failures.AddRange(await Healthy(a.Language, session.Id, "the same session"));
        var fresh = await _sandbox.Sessions.CreateAsync();
        failures.AddRange(await Healthy(a.Language, fresh.Id, "a fresh session"));
        if (a.Probe is { } probe)
        {
            // The attack tried to leak into other interpreters: another session and a stateless call must be clean.
            foreach (var (where, id) in new[] { ("a fresh session", fresh.Id), ("a stateless call", (string?)null) })
            {
                var p = await _sandbox.ExecuteAsync(new ExecutionRequest(a.Language, probe) { SessionId = id });
                output.WriteLine($"probe in {where}: {p.Outcome} {p.Stdout.Trim()} {Trim(p.Stderr, 300)}");
                if (!p.Stdout.Contains("CLEAN", StringComparison.Ordinal)) failures.Add($"the probe in {where} saw the attack's changes: {p.Stdout.Trim()} {Trim(p.Stderr, 300)}");
            }
        }
        failures.AddRange(await Healthy(a.Language, null, "a stateless call"));

        // Destroying the session removes its folder, whatever the attack left in it.
        Assert.True(await _sandbox.Sessions.DestroyAsync(fresh.Id));
        if (!await _sandbox.Sessions.DestroyAsync(session.Id)) failures.Add("destroying the attack's session returned false");
        if (Directory.Exists(Path.Combine(fixture.StorageRoot, session.Id))) failures.Add("the attack's session folder survived DestroyAsync");
        int fdsEnd = OpenDescriptors();
        if (fdsEnd - fdsBefore > 32) failures.Add($"{fdsEnd - fdsBefore} host descriptors stayed open after the session was destroyed");

        foreach (string f in failures) output.WriteLine("FAIL: " + f);
        Assert.True(failures.Count == 0, $"{a.FileName}: " + string.Join("; ", failures));
    }

    /// <summary>The per-interpreter cap on open guest files (GuestFileGate.MaxOpenFiles) plus slack for the host's own.</summary>
    private const int MaxGuestDescriptors = 256 + 64;

    /// <summary>Open file descriptors of this process (Linux); 0 elsewhere.</summary>
    private static int OpenDescriptors() => OperatingSystem.IsLinux() ? Directory.GetFiles("/proc/self/fd").Length : 0;

    private string Substitute(string code) => code
        .Replace("{{CANARY_FILE}}", fixture.CanaryFile)
        .Replace("{{CANARY_DIR}}", fixture.CanaryDir)
        .Replace("{{STORAGE_ROOT}}", fixture.StorageRoot)
        .Replace("{{VICTIM_ID}}", fixture.VictimId)
        .Replace("{{HOME}}", Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))
        .Replace("{{ENV_NAME}}", SecurityFixture.EnvName);

    private IEnumerable<string> CheckWorkspace(string sessionId, long maxBytes, int maxFiles)
    {
        string workspace = Path.Combine(fixture.StorageRoot, sessionId, "workspace");
        long bytes = 0;
        int entries = 0;
        foreach (var e in HostState.Walk(workspace))
        {
            entries++;
            if (e.Attributes.HasFlag(FileAttributes.ReparsePoint)) yield return $"the workspace holds a link: {e.Name} -> {e.LinkTarget}";
            else if (e is FileInfo file) bytes += file.Length;
        }
        output.WriteLine($"workspace on the host: {bytes:N0} bytes in {entries} entries (quota {maxBytes:N0} bytes, {maxFiles} entries)");
        if (bytes > maxBytes) yield return $"the workspace holds {bytes:N0} bytes, over its quota of {maxBytes:N0}";
        if (entries > maxFiles) yield return $"the workspace holds {entries} entries, over its quota of {maxFiles}";
    }

    private async Task<IEnumerable<string>> Healthy(Language language, string? sessionId, string where)
    {
        string code = language == Language.Python ? "print(1+1)" : "console.log(1+1)";
        var r = await _sandbox.ExecuteAsync(new ExecutionRequest(language, code) { SessionId = sessionId });
        if (r.Outcome == ExecutionOutcome.Success && r.Stdout == "2\n") return [];
        return [$"the next call in {where} is not healthy: {r.Outcome} stdout={Trim(r.Stdout, 200)} stderr={Trim(r.Stderr, 300)}"];
    }

    private void Report(ExecutionResult r, TimeSpan elapsed)
    {
        output.WriteLine($"outcome: {r.Outcome}, exit code {r.ExitCode?.ToString() ?? "-"}, {elapsed.TotalMilliseconds:0} ms, fuel {r.FuelConsumed:N0} of {r.FuelBudget:N0}");
        output.WriteLine($"stdout ({r.Stdout.Length:N0} chars{(r.StdoutTruncated ? ", truncated" : "")}):\n{Trim(r.Stdout, 3000)}");
        output.WriteLine($"stderr ({r.Stderr.Length:N0} chars{(r.StderrTruncated ? ", truncated" : "")}):\n{Trim(r.Stderr, 2000)}");
        foreach (string note in r.Notes) output.WriteLine("note: " + note);
        if (r.Guidance is { } g) output.WriteLine($"guidance: {g.ErrorType}: {g.Message}");
    }

    internal static string Trim(string s, int max) => s.Length <= max ? s : s[..(max / 2)] + $" …[{s.Length:N0} chars]… " + s[^(max / 2)..];
}
