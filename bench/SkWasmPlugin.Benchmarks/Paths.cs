namespace SkWasmPlugin.Benchmarks;

/// <summary>Where the guest runtimes and the benchmark's caches live.</summary>
internal static class Paths
{
    /// <summary>The guest runtimes: guest/ beside this assembly (copied from the Sandbox project), else runtimes/ of the source tree.</summary>
    public static string Runtimes { get; } = Locate();

    public static string PythonWasm => Path.Combine(Runtimes, "python", "python.wasm");
    public static string PythonLib => Path.Combine(Runtimes, "python", "lib");
    public static string QuickJsWasm => Path.Combine(Runtimes, "quickjs", "qjs.wasm");

    /// <summary>Compiled-module cache shared by runs of the in-process cases (not used by the cold first-run case).</summary>
    public static string PersistentModuleCache()
    {
        string? env = Environment.GetEnvironmentVariable("SKWASM_BENCH_CACHE");
        string root = !string.IsNullOrWhiteSpace(env)
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? home : Path.GetTempPath(), ".cache", "skwasm-bench");
        string dir = Path.Combine(root, "modules");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string NewTempDir(string prefix)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string Locate()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "guest");
        if (File.Exists(Path.Combine(beside, "python", "python.wasm"))) return beside;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "runtimes");
            if (File.Exists(Path.Combine(candidate, "python", "python.wasm"))) return candidate;
        }
        throw new DirectoryNotFoundException("No guest runtimes found (guest/ beside the benchmark or runtimes/ above it).");
    }
}
