using System.Security.Cryptography;
using System.Text;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace SkWasmPlugin.Security.Tests;

/// <summary>
/// One sandbox for the attack catalogue, plus what the attacks must not reach: a canary folder and file in the
/// host temp folder, a secret in an environment variable of this process, and a victim session holding a secret
/// in a workspace file and in Python and JavaScript variables.
/// </summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public const string EnvName = "SKWASM_SECURITY_CANARY";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "skwasm-security-" + Guid.NewGuid().ToString("N"));
    public string StorageRoot => Path.Combine(Root, "sessions");
    public string ScratchRoot => Path.Combine(Root, "scratch");
    public string CanaryDir { get; } = Path.Combine(Path.GetTempPath(), "skwasm-canary-" + Guid.NewGuid().ToString("N"));
    public string CanaryFile => Path.Combine(CanaryDir, "canary.txt");

    public string EnvSecret { get; } = Secret("env");
    public string FileSecret { get; } = Secret("file");
    public string VictimSecret { get; } = Secret("victim");

    public WasmCodeSandbox Sandbox { get; private set; } = null!;
    public string VictimId { get; private set; } = "";

    /// <summary>Every secret an attack must not print.</summary>
    public IEnumerable<string> Secrets => [EnvSecret, FileSecret, VictimSecret];

    public static string Secret(string kind) => $"SKWASM-CANARY-{kind}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(EnvName, EnvSecret);
        Directory.CreateDirectory(CanaryDir);
        await File.WriteAllTextAsync(CanaryFile, FileSecret);
        File.SetLastWriteTimeUtc(CanaryFile, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Sandbox = new WasmCodeSandbox(CreateOptions(Root));
        Sandbox.Warmup();

        var victim = await Sandbox.Sessions.CreateAsync();
        VictimId = victim.Id;
        await Sandbox.Sessions.WriteFileAsync(VictimId, "secret.txt", Encoding.UTF8.GetBytes(VictimSecret));
        await Run(VictimId, Language.Python, $"secret = '{VictimSecret}'\nopen('note.txt', 'w').write(secret)");
        await Run(VictimId, Language.JavaScript, $"var secret = '{VictimSecret}';");
    }

    private async Task Run(string session, Language language, string code)
    {
        var r = await Sandbox.ExecuteAsync(new ExecutionRequest(language, code) { SessionId = session });
        if (!r.IsSuccess) throw new InvalidOperationException($"Fixture setup failed: {r.Outcome} {r.Stderr}");
    }

    public static SandboxOptions CreateOptions(string root) => new()
    {
        ModuleCachePath = Path.Combine(Path.GetTempPath(), "skwasm-test-module-cache"),
        // On an empty cache the first fixture compiles the optimized code, as these tests count on (cache entries,
        // kept interpreters); starting on the baseline compiler's code is CompilerTierTests' subject.
        BaselineCompilerWhileCold = false,
        ScratchPath = Path.Combine(root, "scratch"),
        Sessions = new SessionManagerOptions
        {
            StoragePath = Path.Combine(root, "sessions"),
            CheckpointDelay = TimeSpan.Zero,
            DefaultMaxWorkspaceBytes = 32L * 1024 * 1024,
            DefaultMaxFiles = 200,
        },
    };

    public async Task DisposeAsync()
    {
        await Sandbox.DisposeAsync();
        Environment.SetEnvironmentVariable(EnvName, null);
        TryDelete(Root);
        TryDelete(CanaryDir);
    }

    internal static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityFixture>
{
    public const string Name = "security";
}
