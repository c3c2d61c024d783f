using System.Text.Json;
using Microsoft.Agents.AI;
using SkWasmPlugin.AI;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AgentFramework;

/// <summary>
/// Runs agent-skill scripts (<c>.py</c>, <c>.js</c>, <c>.mjs</c>) in the sandbox instead of on the host: the skill's folder
/// (bounded in files and bytes) is copied into a fresh sandbox session's <c>/app</c>, the script runs there with the
/// caller's JSON arguments as its standard input, and the session is destroyed afterwards. The result is the execution
/// JSON a model reads (outcome, stdout, result, guidance).
/// </summary>
public static class WasmSkillScriptRunner
{
    /// <summary>Most files of a skill folder copied into the sandbox.</summary>
    public const int MaxSkillFiles = 200;

    /// <summary>Most bytes of a skill folder copied into the sandbox.</summary>
    public const long MaxSkillBytes = 16 * 1024 * 1024;

    /// <summary>A script runner over <paramref name="sandbox"/>, for <c>AgentSkillsProviderBuilder.UseFileScriptRunner</c>.</summary>
    public static AgentFileSkillScriptRunner Create(ICodeSandbox sandbox, CodeInterpreterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var tools = new CodeInterpreterTools(sandbox, options);
        return async (skill, script, arguments, _, cancellationToken) =>
            (await RunAsync(tools, skill, script, arguments, cancellationToken).ConfigureAwait(false)).Json;
    }

    private static async Task<SandboxToolResult> RunAsync(CodeInterpreterTools tools, AgentFileSkill skill, AgentFileSkillScript script,
        JsonElement? arguments, CancellationToken cancellationToken)
    {
        if (!Languages.TryFromExtension(script.FullPath, out var language))
            return SandboxToolResult.Error("invalid_argument", $"The skill script '{script.Name}' is not Python or JavaScript (.py, .js, .mjs); the sandbox runs only those.");
        string folder = Path.GetDirectoryName(skill.Path) is { Length: > 0 } dir && File.Exists(skill.Path) ? dir : skill.Path;
        var sessions = tools.Sandbox.Sessions;
        var session = await sessions.CreateAsync(new SessionOptions { Language = language }, cancellationToken).ConfigureAwait(false);
        try
        {
            if (await CopySkillAsync(sessions, session.Id, folder, cancellationToken).ConfigureAwait(false) is { } problem)
                return SandboxToolResult.Error("invalid_argument", problem);
            string code = await File.ReadAllTextAsync(script.FullPath, cancellationToken).ConfigureAwait(false);
            string stdin = arguments is { } args ? args.GetRawText() : "{}";
            return await tools.ExecuteCodeAsync(language.Name(), code, session.Id, stdin, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await sessions.DestroyAsync(session.Id, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<string?> CopySkillAsync(ISessionManager sessions, string session, string folder, CancellationToken cancellationToken)
    {
        var files = new DirectoryInfo(folder).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Take(MaxSkillFiles + 1).ToList();
        if (files.Count > MaxSkillFiles) return $"The skill folder has more than {MaxSkillFiles} files; the sandbox copies at most that many.";
        if (files.Sum(f => f.Length) > MaxSkillBytes) return $"The skill folder holds more than {MaxSkillBytes:N0} bytes; the sandbox copies at most that much.";
        foreach (var file in files)
        {
            string relative = Path.GetRelativePath(folder, file.FullName).Replace('\\', '/');
            await sessions.WriteFileAsync(session, relative, await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        return null;
    }
}
