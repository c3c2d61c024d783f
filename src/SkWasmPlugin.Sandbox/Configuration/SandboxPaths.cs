using System.Reflection;
using System.Text.RegularExpressions;

namespace SkWasmPlugin.Sandbox;

/// <summary>
/// Where the sandbox keeps its files by default, all under one root: <c>ROOT/modules</c> (compiled modules and
/// start-up images, shared by every app of the user, bounded and pruned), <c>ROOT/sessions/APP</c> (each
/// application's own session store) and <c>ROOT/scratch</c> (temporary workspaces of stateless calls).
/// ROOT is <c>$SKWASM_HOME</c> when set, else <c>skwasm</c> under the user's local application data
/// (<c>$XDG_DATA_HOME</c> or <c>~/.local/share</c> on Linux, <c>~/Library/Application Support</c> on macOS,
/// <c>%LOCALAPPDATA%</c> on Windows). Options that name a folder (<see cref="SandboxOptions.ModuleCachePath"/>,
/// <see cref="SandboxOptions.ScratchPath"/>, <see cref="SessionManagerOptions.StoragePath"/>) win over these.
/// </summary>
public static partial class SandboxPaths
{
    /// <summary>The environment variable that moves the root.</summary>
    public const string HomeVariable = "SKWASM_HOME";

    /// <summary>
    /// The root folder, created (readable by the user only, on Unix) if missing. Throws
    /// <see cref="InvalidOperationException"/> naming <c>SKWASM_HOME</c> when the user has no home folder to put it in.
    /// </summary>
    public static string Root()
    {
        string? home = Environment.GetEnvironmentVariable(HomeVariable);
        string root;
        if (!string.IsNullOrWhiteSpace(home))
        {
            root = Path.GetFullPath(home);
        }
        else
        {
            // DoNotVerify: the default check returns "" when ~/.local/share does not exist yet (fresh containers, CI
            // users), and the shared temp folder is no substitute: other users could read sessions there, or plant a
            // compiled module, which is native code this process would load. So the per-user folder is created; with
            // no home folder at all there is nothing safe to guess, and the error says what to set.
            string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(local) || !Path.IsPathRooted(local))
                throw NoRoot("there is no home folder or local application data");
            root = Path.Combine(local, "skwasm");
            try
            {
                CreatePrivate(root);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw NoRoot($"'{root}' cannot be created ({ex.Message})");
            }
            return root;
        }
        CreatePrivate(root);
        return root;
    }

    private static InvalidOperationException NoRoot(string why) => new(
        $"The sandbox has no per-user folder for its module cache, sessions and scratch files: {why}. " +
        $"Set the environment variable {HomeVariable} to a folder of your own, or set SandboxOptions.ModuleCachePath, " +
        "SandboxOptions.ScratchPath and SandboxOptions.Sessions.StoragePath.");

    /// <summary><c>ROOT/modules</c>: compiled modules and start-up images.</summary>
    public static string ModuleCache() => Path.Combine(Root(), "modules");

    /// <summary><c>ROOT/scratch</c>: temporary workspaces of stateless calls.</summary>
    public static string Scratch() => Path.Combine(Root(), "scratch");

    /// <summary>
    /// <c>ROOT/sessions/APP</c>, the session store of one application: <paramref name="applicationName"/>, else
    /// <see cref="DefaultApplicationName"/>. Each application sees (lists, prunes, destroys) its own sessions only.
    /// </summary>
    public static string Sessions(string? applicationName = null) =>
        Path.Combine(Root(), "sessions", ValidateApplicationName(applicationName ?? DefaultApplicationName()));

    /// <summary>The entry assembly's name (<c>skwasm</c> for the CLI), with characters other than letters, digits, '.', '-' and '_' made '-'.</summary>
    public static string DefaultApplicationName()
    {
        string name = Assembly.GetEntryAssembly()?.GetName().Name ?? "";
        name = NotAllowed().Replace(name, "-").Trim('.', '-');
        if (name.Length > 64) name = name[..64];
        return IsValidApplicationName(name) ? name : "default";
    }

    /// <summary>True for 1-64 letters, digits, '.', '-' or '_', starting with a letter or digit.</summary>
    public static bool IsValidApplicationName(string? name) => name is not null && ApplicationNamePattern().IsMatch(name);

    internal static string ValidateApplicationName(string name) => IsValidApplicationName(name)
        ? name
        : throw new ArgumentException(
            $"Invalid application name '{name}': use 1-64 letters, digits, '.', '-' or '_', starting with a letter or digit " +
            "(it names the folder of the application's sessions).", nameof(name));

    private static void CreatePrivate(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path); // under the user's profile, private already
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ApplicationNamePattern();

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex NotAllowed();
}
