using Microsoft.Extensions.Logging;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>Finds the guest runtime files and starts each runtime once, on first use.</summary>
internal sealed class RuntimeCatalog : IDisposable
{
    // An array by language, not a dictionary: no generic instantiation over the enum for a JIT-compiled host to compile.
    private readonly Lazy<GuestRuntime>[] _runtimes = new Lazy<GuestRuntime>[Languages.All.Count];

    public WasmEngineHost Host { get; }
    public string RuntimesPath { get; }
    public string ScratchRoot { get; }

    private readonly SandboxOptions _options;
    private readonly ILogger _logger;
    private int _pruneScheduled;

    /// <summary>The background prune of the module cache, once started (for tests and disposal).</summary>
    internal Task? Pruning { get; private set; }

    public RuntimeCatalog(SandboxOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        RuntimesPath = Locate(options.RuntimesPath);
        ScratchRoot = options.ScratchPath ?? SandboxPaths.Scratch();
        Directory.CreateDirectory(ScratchRoot);
        Host = new WasmEngineHost(options, logger);
        try
        {
            foreach (var language in Languages.All) Register(language);
        }
        catch
        {
            Host.Dispose(); // a runtime file missing: the engine and the epoch thread go too
            throw;
        }
    }

    private void Register(Language language)
    {
        var (wasm, mounts) = Layout(language);
        _runtimes[(int)language] = new Lazy<GuestRuntime>(() =>
            {
                var runtime = new GuestRuntime(language, wasm, mounts, Host, ScratchRoot, _logger);
                SchedulePrune();
                return runtime;
            },
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public GuestRuntime Get(Language language) => _runtimes[(int)language].Value;

    /// <summary>True once <paramref name="language"/>'s runtime has started (its first call pays no start-up).</summary>
    public bool IsStarted(Language language) => _runtimes[(int)language].IsValueCreated;

    /// <summary>
    /// After the first runtime started (off the path of any call), prunes the module cache if no process did today:
    /// the entries of every runtime's current key are kept, started or not, and those this process uses.
    /// </summary>
    private void SchedulePrune()
    {
        if (Host.Cache.Directory is not { } dir || Interlocked.Exchange(ref _pruneScheduled, 1) != 0) return;
        Pruning = Task.Run(() =>
        {
            try
            {
                var now = DateTime.UtcNow;
                if (!ModuleCachePruner.IsDue(dir, now)) return;
                ModuleCachePruner.Prune(dir, CurrentEntries(), _options.ModuleCacheMaxBytes, now, _logger);
                ModuleCachePruner.SweepScratch(ScratchRoot, now);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.ModuleCachePruneFailed(_logger, dir, ex.Message);
            }
        });
    }

    /// <summary>The cache files the current runtimes use or would use (modules, start-up images, hash stamps), as full paths.</summary>
    internal IReadOnlySet<string> CurrentEntries()
    {
        var keep = new HashSet<string>(Host.Cache.InUse.Select(Path.GetFullPath), StringComparer.Ordinal);
        if (Host.Cache.Directory is not { } dir) return keep;
        foreach (var language in Languages.All)
        {
            var (wasm, mounts) = Layout(language);
            string sha = Host.Cache.WasmSha256(wasm); // records its stamp file as in use
            keep.Add(Path.GetFullPath(Host.Cache.PathFor(language.Name(), sha)));
            keep.Add(Path.GetFullPath(Host.BaselineCache.PathFor(language.Name(), sha)));
            keep.Add(Path.GetFullPath(StartedImageCache.PathFor(dir, language, sha, mounts)));
        }
        foreach (string path in Host.Cache.InUse) keep.Add(Path.GetFullPath(path));
        if (JitStartupProfile.Current is { } profile) keep.Add(profile);
        return keep;
    }

    public IEnumerable<GuestRuntime> StartedRuntimes => _runtimes.Where(r => r.IsValueCreated).Select(r => r.Value);

    /// <summary>The read-only /data folder (vendored packages), when the runtimes folder has one.</summary>
    public string? DataPath => Directory.Exists(Path.Combine(RuntimesPath, "data")) ? Path.Combine(RuntimesPath, "data") : null;

    /// <summary>The Python version the runtime is built from (runtimes/python/build.sh); its standard library is in <see cref="PythonLib"/>.</summary>
    internal const string PythonVersion = Languages.PythonVersion;

    private const string PythonLib = "python" + PythonVersion;

    /// <summary>The interpreter a language runs on and its version, as <see cref="WasmCodeSandbox.Describe()"/> names them.</summary>
    public (string Engine, string Version) Interpreter(Language language) => language switch
    {
        Language.Python => ("CPython (WASI reactor)", PythonVersion),
        Language.JavaScript => ("QuickJS (WASI reactor)", QuickJsVersion()),
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, null),
    };

    private string QuickJsVersion()
    {
        string file = Path.Combine(RuntimesPath, "quickjs", "VERSION");
        return File.Exists(file) ? File.ReadAllText(file).Trim() : "unknown";
    }

    private (string Wasm, IReadOnlyList<Mount> Mounts) Layout(Language language)
    {
        var mounts = new List<Mount>();
        string wasm;
        if (language == Language.Python)
        {
            wasm = Required(Path.Combine(RuntimesPath, "python", "python.wasm"));
            Required(Path.Combine(RuntimesPath, "python", "lib", PythonLib, "_skwasm.pyc")); // the compiled standard library and our runner
            mounts.Add(new Mount(Path.Combine(RuntimesPath, "python", "lib"), "/usr/local/lib", ReadAtStartup: true)
            {
                HashedFiles = [$"{PythonLib}/_skwasm.pyc", $"{PythonLib}/sandbox_utils.pyc"],
            });
            string zoneinfo = Path.Combine(RuntimesPath, "python", "zoneinfo");
            if (Directory.Exists(zoneinfo)) mounts.Add(new Mount(zoneinfo, "/usr/share/zoneinfo"));
        }
        else
        {
            wasm = Required(Path.Combine(RuntimesPath, "quickjs", "qjs.wasm"));
        }
        // Python's start-up puts each /data/site-packages/* folder on sys.path and lists it (see _skwasm.py).
        if (DataPath is { } data) mounts.Add(new Mount(data, "/data", ListedDepth: language == Language.Python ? 3 : 0));
        return (wasm, mounts);
    }

    private static string Required(string path) => File.Exists(path)
        ? path
        : throw new FileNotFoundException(
            $"Guest runtime file '{path}' is missing. Restore it with 'git checkout -- runtimes', rebuild it with " +
            "runtimes/build-all.sh, or point SandboxOptions.RuntimesPath at a folder that has it.", path);

    /// <summary>The configured folder; else 'guest' beside the assembly (NuGet/publish layout); else runtimes/ of the source tree.</summary>
    internal static string Locate(string? configured)
    {
        if (configured is not null)
        {
            return Directory.Exists(configured)
                ? Path.GetFullPath(configured)
                : throw new DirectoryNotFoundException($"SandboxOptions.RuntimesPath '{configured}' does not exist.");
        }
        string beside = Path.Combine(AppContext.BaseDirectory, "guest");
        if (File.Exists(Path.Combine(beside, "python", "python.wasm"))) return beside;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "runtimes");
            if (File.Exists(Path.Combine(candidate, "python", "python.wasm"))) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"No guest runtimes found (looked for guest/python/python.wasm beside {AppContext.BaseDirectory} and for runtimes/ above it). " +
            "Set SandboxOptions.RuntimesPath, or reference the SkWasmPlugin.Sandbox package, which ships them.");
    }

    public void Dispose()
    {
        Pruning?.Wait(TimeSpan.FromSeconds(10)); // it may read the engines' cache folder; never longer than this
        foreach (var runtime in StartedRuntimes) runtime.Dispose();
        Host.Dispose();
    }
}
