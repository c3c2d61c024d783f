using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Text;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// .NET's multicore JIT (<see cref="ProfileOptimization"/>) for the first sandbox of a process: the methods the process
/// JIT-compiles from then on are recorded in a profile in the module cache folder, and the next start of the same
/// application compiles them on a background thread, ahead of the thread that needs them. In a JIT-compiled host nearly
/// all of a sandbox's first call is .NET compiling the call's path for the first time (about 900 methods, against some
/// 15 ms of Wasmtime's own work, bench/RESULTS.md); on two cores the background thread takes about a third of it off.
/// </summary>
/// <remarks>
/// Profile optimization is one per process: a host that uses it itself turns <see cref="SandboxOptions.JitStartupProfile"/>
/// off, or its own profile would be switched to ours. Nothing is done on one core, without a module cache, or where code
/// is not JIT-compiled (NativeAOT). The runtime writes the profile when the process exits and skips methods of assemblies
/// that changed since; a profile it cannot read is ignored. Each application (entry assembly and folder) has its own
/// file, kept while in use and pruned with the cache's other entries once unused (<see cref="ModuleCachePruner"/>).
/// </remarks>
internal static class JitStartupProfile
{
    private static int _started;

    /// <summary>The profile this process records, once started (null: not started).</summary>
    internal static string? Current { get; private set; }

    /// <summary>
    /// Starts recording (and playing back the last profile) unless it is off, not possible here, or already started in
    /// this process. <paramref name="createFolder"/>: make the cache folder if missing (only once the options are known
    /// valid). Returns the profile this process records (also when an earlier sandbox started it), or null when off here.
    /// </summary>
    public static string? Start(SandboxOptions options, bool createFolder)
    {
        if (Folder(options) is not { } folder) return null;
        if (Volatile.Read(ref _started) != 0) return Current;
        try
        {
            if (!Directory.Exists(folder))
            {
                if (!createFolder) return null;
                Directory.CreateDirectory(folder);
            }
            if (Interlocked.Exchange(ref _started, 1) != 0) return Current;
            string name = FileName();
            ProfileOptimization.SetProfileRoot(folder);
            ProfileOptimization.StartProfile(name);
            return Current = Path.Combine(folder, name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null; // a folder that cannot be made or read: the options' own checks and the module cache report it
        }
    }

    /// <summary>The folder the profile goes in, or null when there is none to use here.</summary>
    internal static string? Folder(SandboxOptions options)
    {
        if (!options.JitStartupProfile || !RuntimeFeature.IsDynamicCodeCompiled || Environment.ProcessorCount < 2) return null;
        try
        {
            return WasmEngineHost.CacheDirectory(options) is { } folder ? Path.GetFullPath(folder) : null;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>jit-APP-HASH.profile</c>: APP the entry assembly's name, HASH of its folder and of this library's build, so two
    /// applications (or two builds) sharing a cache never play back each other's profile.
    /// </summary>
    internal static string FileName() => FileName(Assembly.GetEntryAssembly()?.GetName().Name ?? "app", AppContext.BaseDirectory,
        typeof(JitStartupProfile).Assembly.ManifestModule.ModuleVersionId);

    internal static string FileName(string app, string folder, Guid build)
    {
        var safe = new StringBuilder(app.Length);
        foreach (char c in app) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        Span<byte> buildBytes = stackalloc byte[16];
        build.TryWriteBytes(buildBytes);
        ulong hash = Fnv1a(buildBytes, Fnv1a(MemoryMarshal.AsBytes(folder.AsSpan()), FnvOffset));
        return "jit-" + safe + "-" + hash.ToString("x16", CultureInfo.InvariantCulture) + ".profile";
    }

    // 64-bit FNV-1a, not CacheKey: this name is worked out before the profile starts, while the second core is idle, and
    // XXH3, UTF-8 and hex formatting are all compiled by the JIT on their first use (vectorised code ReadyToRun leaves
    // out); a clash between two applications' names would only mix their profiles, which the runtime tolerates.
    private const ulong FnvOffset = 14695981039346656037, FnvPrime = 1099511628211;

    private static ulong Fnv1a(ReadOnlySpan<byte> data, ulong hash)
    {
        foreach (byte b in data) hash = (hash ^ b) * FnvPrime;
        return hash;
    }
}
