using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Wasmtime;
using Module = Wasmtime.Module;

namespace SkWasmPlugin.Benchmarks;

/// <summary>
/// Wasmtime used directly, without the sandbox: for fuel-vs-epoch overhead and for the floor of each phase
/// (instantiate, apply a start-up snapshot, one sk_exec) that the public API adds its own work on top of.
/// Engine settings mirror src/SkWasmPlugin.Sandbox/Engine/WasmEngineHost.cs (1 MiB stack, Speed, CoW init,
/// epoch ticker every 5 ms with a deadline callback that keeps going), except that fuel can be switched off.
/// </summary>
internal sealed class DirectEngine : IDisposable
{
    private readonly Thread _ticker;
    private readonly CancellationTokenSource _stop = new();

    public Engine Engine { get; }
    public Linker Linker { get; }
    public bool Fuel { get; }
    public string Name { get; }

    public DirectEngine(bool fuel, bool pooling, int maxInstances = 64, nuint keepResident = 16 * 1024 * 1024)
    {
        Fuel = fuel;
        Name = (fuel ? "fuel+epoch" : "epoch-only") + (pooling ? "+pool" : "");
        using var config = new Config()
            .WithFuelConsumption(fuel)
            .WithEpochInterruption(true)
            .WithMaximumStackSize(1024 * 1024)
            .WithOptimizationLevel(OptimizationLevel.Speed)
            .WithMemoryInitCopyOnWrite(true)
            .WithParallelCompilation(true);
        if (pooling)
        {
            using var pool = new PoolingAllocationConfig()
                .WithMaxMemorySize((nuint)(1024L * 1024 * 1024))
                .WithMaxMemories((uint)maxInstances)
                .WithMaxCoreInstances((uint)maxInstances * 2)
                .WithMaxTables((uint)maxInstances * 2)
                .WithLinearMemoryKeepResidentBytes(keepResident)
                .WithMaxUnusedWarmSlots(16);
            config.WithPoolingAllocationStrategy(pool);
        }
        Engine = new Engine(config);
        Linker = new Linker(Engine);
        Linker.DefineWasi();
        _ticker = new Thread(() =>
        {
            while (!_stop.Token.WaitHandle.WaitOne(5)) Engine.IncrementEpoch();
        })
        { IsBackground = true, Name = "bench-epoch", Priority = ThreadPriority.AboveNormal };
        _ticker.Start();
    }

    private static readonly string WasmtimeVersion =
        typeof(Engine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Compiles <paramref name="wasmPath"/> or loads it from <paramref name="cacheDir"/> (keyed by version, settings, content).</summary>
    public Module Load(string wasmPath, string cacheDir, bool pooling)
    {
        byte[] wasm = File.ReadAllBytes(wasmPath);
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{WasmtimeVersion}|direct|fuel={Fuel}|pool={pooling}|{Convert.ToHexStringLower(SHA256.HashData(wasm))}")))[..24];
        string path = Path.Combine(cacheDir, $"direct-{Path.GetFileNameWithoutExtension(wasmPath)}-{key}.cwasm");
        if (File.Exists(path))
        {
            try { return Module.DeserializeFile(Engine, Path.GetFileName(wasmPath), path); }
            catch (WasmtimeException) { File.Delete(path); }
        }
        var module = Module.FromBytes(Engine, Path.GetFileName(wasmPath), wasm);
        string tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(tmp, module.Serialize());
        File.Move(tmp, path, overwrite: true);
        return module;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _ticker.Join();
        Linker.Dispose();
        Engine.Dispose();
        _stop.Dispose();
    }
}

/// <summary>One reactor guest (python.wasm or qjs.wasm) driven through the ABI of runtimes/ABI.md.</summary>
internal sealed class DirectGuest : IDisposable
{
    private readonly Store _store;
    private readonly Instance _instance;
    private readonly Memory _memory;
    private readonly Func<int, int> _alloc;
    private readonly Action<int> _free;
    private readonly Func<int, int, int, int, int, int> _exec;
    private readonly Func<int> _report;
    private readonly DirectEngine _engine;
    private readonly MemoryStream _stdout = new();
    private readonly MemoryStream _stderr = new();

    public bool Python { get; }

    /// <summary>Instantiates (store, WASI preopens, instance) without running anything.</summary>
    public DirectGuest(DirectEngine engine, Module module, bool python, string appDir)
    {
        _engine = engine;
        Python = python;
        _store = new Store(engine.Engine);
        var wasi = new WasiConfiguration()
            .WithStandardOutputCallback(data => _stdout.Write(data))
            .WithStandardErrorCallback(data => _stderr.Write(data));
        // Preopen order matters to the guest's fd table: the lib first (read-only), then /app.
        if (python) wasi = wasi.WithPreopenedDirectory(Paths.PythonLib, "/usr/local/lib", false);
        wasi = wasi.WithPreopenedDirectory(appDir, "/app", true);
        _store.SetWasiConfiguration(wasi);
        _store.SetEpochDeadlineCallback(_ => 1);
        if (engine.Fuel) _store.Fuel = ulong.MaxValue / 4;
        _store.SetEpochDeadline(1);
        _instance = engine.Linker.Instantiate(_store, module);
        _memory = _instance.GetMemory("memory")!;
        _alloc = _instance.GetFunction<int, int>("sk_alloc")!;
        _free = _instance.GetAction<int>("sk_free")!;
        _exec = _instance.GetFunction<int, int, int, int, int, int>("sk_exec")!;
        _report = _instance.GetFunction<int>("sk_report")!;
    }

    /// <summary>_initialize then sk_init(0).</summary>
    public void Start()
    {
        _instance.GetAction("_initialize")!();
        int rc = _instance.GetFunction<int, int>("sk_init")!(0);
        if (rc != 0) throw new InvalidOperationException($"sk_init returned {rc}: {Encoding.UTF8.GetString(_stderr.ToArray())}");
    }

    public long MemoryLength => _memory.GetLength();

    /// <summary>Fuel spent by the last <see cref="Exec"/> (0 on an epoch-only engine).</summary>
    public long LastFuel { get; private set; }

    public byte[] CopyMemory() => _memory.GetSpan(0, checked((int)_memory.GetLength())).ToArray();

    /// <summary>Pages (4 KiB) of the current memory that differ from <paramref name="baseline"/>, with their bytes.</summary>
    public (int[] Pages, byte[] Data, long Length, int StackPointer) Diff(byte[] baseline)
    {
        var memory = _memory.GetSpan(0, checked((int)_memory.GetLength()));
        var pages = new List<int>();
        for (int start = 0; start < memory.Length; start += 4096)
        {
            var page = memory.Slice(start, Math.Min(4096, memory.Length - start));
            bool same = start + page.Length <= baseline.Length
                ? page.SequenceEqual(baseline.AsSpan(start, page.Length))
                : !page.ContainsAnyExcept((byte)0);
            if (!same) pages.Add(start / 4096);
        }
        var data = new byte[pages.Count * 4096];
        for (int i = 0; i < pages.Count; i++)
            memory.Slice(pages[i] * 4096, Math.Min(4096, memory.Length - pages[i] * 4096)).CopyTo(data.AsSpan(i * 4096));
        int sp = (int)_instance.GetGlobal("__stack_pointer")!.GetValue()!;
        return ([.. pages], data, memory.Length, sp);
    }

    /// <summary>What GuestRuntime.NewInstance does after instantiating: grow, write the pages, set the stack pointer.</summary>
    public void Apply(int[] pages, byte[] data, long length, int stackPointer)
    {
        long have = _memory.GetLength();
        if (length > have) _memory.Grow((length - have + Memory.PageSize - 1) / Memory.PageSize);
        var memory = _memory.GetSpan(0, checked((int)_memory.GetLength()));
        for (int i = 0; i < pages.Length; i++)
        {
            int start = pages[i] * 4096;
            int n = Math.Min(4096, memory.Length - start);
            data.AsSpan(i * 4096, n).CopyTo(memory.Slice(start, n));
        }
        _instance.GetGlobal("__stack_pointer")!.SetValue(stackPointer);
    }

    /// <summary>One sk_exec with host-allocated buffers; returns the exit code. Output is kept in <see cref="Stdout"/>.</summary>
    public int Exec(string code)
    {
        _stdout.SetLength(0);
        _stderr.SetLength(0);
        if (_engine.Fuel) _store.Fuel = ulong.MaxValue / 4;
        _store.SetEpochDeadline(1);
        byte[] bytes = Encoding.UTF8.GetBytes(code);
        int codePtr = _alloc(bytes.Length);
        int inputPtr = _alloc(1);
        bytes.CopyTo(_memory.GetSpan(codePtr, bytes.Length));
        ulong before = _engine.Fuel ? _store.Fuel : 0;
        int rc = _exec(codePtr, bytes.Length, inputPtr, 0, 0);
        LastFuel = _engine.Fuel ? (long)(before - _store.Fuel) : 0;
        _ = _memory.ReadNullTerminatedString(_report());
        _free(codePtr);
        _free(inputPtr);
        return rc;
    }

    public string Stdout => Encoding.UTF8.GetString(_stdout.ToArray());
    public string Stderr => Encoding.UTF8.GetString(_stderr.ToArray());

    public void Dispose() => _store.Dispose();
}

/// <summary>The direct-Wasmtime measurements.</summary>
internal static class DirectCases
{
    /// <summary>CPU-bound loops, each roughly a few hundred ms in the guest.</summary>
    public const string PythonLoop = "s = 0\nfor i in range(500_000):\n    s = (s + i * i) % 1000003\nprint(s)";
    public const string JsLoop = "(() => { let s = 0; for (let i = 0; i < 1000000; i++) { s = (s + i * i) % 1000003; } console.log(s); })();";

    /// <summary>Alternating runs of the same loop on a fuel+epoch and an epoch-only engine; median wall times.</summary>
    public static (Summary Fuel, Summary Epoch) FuelVsEpoch(bool python, string cacheDir, int runs)
    {
        string app = Paths.NewTempDir("skwasm-bench-app");
        try
        {
            using var fuelEngine = new DirectEngine(fuel: true, pooling: false);
            using var epochEngine = new DirectEngine(fuel: false, pooling: false);
            string wasm = python ? Paths.PythonWasm : Paths.QuickJsWasm;
            using var fuelModule = fuelEngine.Load(wasm, cacheDir, false);
            using var epochModule = epochEngine.Load(wasm, cacheDir, false);
            using var withFuel = new DirectGuest(fuelEngine, fuelModule, python, app);
            using var epochOnly = new DirectGuest(epochEngine, epochModule, python, app);
            withFuel.Start();
            epochOnly.Start();
            string loop = python ? PythonLoop : JsLoop;
            string expected = Run(withFuel, loop);
            if (Run(epochOnly, loop) != expected) throw new InvalidOperationException("fuel and epoch-only engines disagree");
            var f = new List<double>();
            var e = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                // Alternate the order so drift on a noisy machine hits both sides alike.
                if (i % 2 == 0) { f.Add(Time(withFuel, loop)); e.Add(Time(epochOnly, loop)); }
                else { e.Add(Time(epochOnly, loop)); f.Add(Time(withFuel, loop)); }
            }
            return (Summary.Of(f), Summary.Of(e));
        }
        finally
        {
            Paths.TryDelete(app);
        }

        static double Time(DirectGuest g, string code)
        {
            long t = Stopwatch.GetTimestamp();
            int rc = g.Exec(code);
            double ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (rc != 0) throw new InvalidOperationException("loop failed: " + g.Stderr);
            return ms;
        }

        static string Run(DirectGuest g, string code)
        {
            if (g.Exec(code) != 0) throw new InvalidOperationException("loop failed: " + g.Stderr);
            return g.Stdout;
        }
    }

    /// <summary>
    /// Floors of the phases the sandbox goes through, on a pooled fuel+epoch engine like the sandbox's:
    /// start-up (_initialize + sk_init), instantiate, apply the start-up snapshot, and one sk_exec of the tiny program.
    /// </summary>
    public static Dictionary<string, Summary> Phases(bool python, string cacheDir, int n, nuint keepResident = 16 * 1024 * 1024)
    {
        string app = Paths.NewTempDir("skwasm-bench-app");
        var result = new Dictionary<string, Summary>();
        try
        {
            using var engine = new DirectEngine(fuel: true, pooling: true, keepResident: keepResident);
            using var module = engine.Load(python ? Paths.PythonWasm : Paths.QuickJsWasm, cacheDir, true);
            string code = python ? "print(2+2)" : "console.log(2+2)";

            long t0 = Stopwatch.GetTimestamp();
            using var starter = new DirectGuest(engine, module, python, app);
            double instantiateOnce = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            byte[] fresh = starter.CopyMemory();
            t0 = Stopwatch.GetTimestamp();
            starter.Start();
            double startup = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            var (pages, data, length, sp) = starter.Diff(fresh);
            result["startup (sk_init)"] = Summary.Of([startup]);
            result["snapshot pages"] = Summary.Of([pages.Length]);

            var inst = new List<double>();
            var apply = new List<double>();
            var firstExec = new List<double>();
            var dispose = new List<double>();
            for (int i = 0; i < n; i++)
            {
                t0 = Stopwatch.GetTimestamp();
                var g = new DirectGuest(engine, module, python, app);
                long t1 = Stopwatch.GetTimestamp();
                g.Apply(pages, data, length, sp);
                long t2 = Stopwatch.GetTimestamp();
                if (g.Exec(code) != 0 || g.Stdout != "4\n") throw new InvalidOperationException("restored guest failed: " + g.Stderr);
                long t3 = Stopwatch.GetTimestamp();
                g.Dispose();
                long t4 = Stopwatch.GetTimestamp();
                inst.Add(Ms(t0, t1));
                apply.Add(Ms(t1, t2));
                firstExec.Add(Ms(t2, t3));
                dispose.Add(Ms(t3, t4));
            }
            result["instantiate"] = Summary.Of(inst);
            result["apply snapshot"] = Summary.Of(apply);
            result["first sk_exec on restored"] = Summary.Of(firstExec);
            result["dispose store"] = Summary.Of(dispose);
            result["fresh total (inst+apply+exec+dispose)"] = Summary.Of(inst.Select((x, i) => x + apply[i] + firstExec[i] + dispose[i]).ToArray());

            var warm = new List<double>();
            for (int i = 0; i < 50; i++) starter.Exec(code);
            for (int i = 0; i < n * 10; i++)
            {
                t0 = Stopwatch.GetTimestamp();
                int rc = starter.Exec(code);
                warm.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (rc != 0) throw new InvalidOperationException(starter.Stderr);
            }
            result["warm sk_exec"] = Summary.Of(warm);
            _ = instantiateOnce;
            return result;
        }
        finally
        {
            Paths.TryDelete(app);
        }

        static double Ms(long a, long b) => (b - a) * 1000.0 / Stopwatch.Frequency;
    }
}

/// <summary>
/// Isolates the pooling allocator's LinearMemoryKeepResidentBytes: N Python instances restored from the start-up
/// snapshot and run once, then all dropped; RSS before, with them alive, and after dropping them.
/// </summary>
internal static class KeepResidentExperiment
{
    public static (ProcMemory Before, ProcMemory Alive, ProcMemory Dropped) Run(nuint keepResident, int n, string cacheDir)
    {
        string app = Paths.NewTempDir("skwasm-bench-app");
        try
        {
            using var config = new Config()
                .WithFuelConsumption(true).WithEpochInterruption(true).WithMaximumStackSize(1024 * 1024)
                .WithOptimizationLevel(OptimizationLevel.Speed).WithMemoryInitCopyOnWrite(true);
            using (var pool = new PoolingAllocationConfig()
                .WithMaxMemorySize((nuint)(1024L * 1024 * 1024)).WithMaxMemories((uint)n + 4)
                .WithMaxCoreInstances((uint)(n + 4) * 2).WithMaxTables((uint)(n + 4) * 2)
                .WithLinearMemoryKeepResidentBytes(keepResident).WithMaxUnusedWarmSlots(16))
                config.WithPoolingAllocationStrategy(pool);
            using var engine = new Engine(config);
            using var linker = new Linker(engine);
            linker.DefineWasi();
            // Reuse DirectEngine's cache/key logic through a throwaway pooled fuel engine is not possible across engines; compile here (cached by config).
            using var module = LoadCached(engine, cacheDir, keepResident);
            var guests = new List<(Store Store, Instance Instance)>();
            var starter = NewGuest(engine, linker, module, app);
            byte[] fresh = Memory(starter.Instance).ToArray();
            starter.Instance.GetAction("_initialize")!();
            if (starter.Instance.GetFunction<int, int>("sk_init")!(0) != 0) throw new InvalidOperationException("sk_init failed");
            var started = Memory(starter.Instance).ToArray();
            long length = starter.Instance.GetMemory("memory")!.GetLength();
            int sp = (int)starter.Instance.GetGlobal("__stack_pointer")!.GetValue()!;
            var dirty = Enumerable.Range(0, started.Length / 4096)
                .Where(p => p * 4096 + 4096 > fresh.Length || !started.AsSpan(p * 4096, 4096).SequenceEqual(fresh.AsSpan(p * 4096, 4096))).ToArray();
            starter.Store.Dispose();
            var before = ProcMemory.Settled();
            for (int i = 0; i < n; i++)
            {
                var g = NewGuest(engine, linker, module, app);
                var memory = g.Instance.GetMemory("memory")!;
                if (length > memory.GetLength()) memory.Grow((length - memory.GetLength() + 65535) / 65536);
                var span = memory.GetSpan(0, checked((int)memory.GetLength()));
                foreach (int p in dirty) started.AsSpan(p * 4096, 4096).CopyTo(span.Slice(p * 4096, 4096));
                g.Instance.GetGlobal("__stack_pointer")!.SetValue(sp);
                guests.Add(g);
            }
            var alive = ProcMemory.Settled();
            foreach (var g in guests) g.Store.Dispose();
            guests.Clear();
            var dropped = ProcMemory.Settled();
            return (before, alive, dropped);
        }
        finally
        {
            Paths.TryDelete(app);
        }

        static Span<byte> Memory(Instance instance)
        {
            var m = instance.GetMemory("memory")!;
            return m.GetSpan(0, checked((int)m.GetLength()));
        }
    }

    private static (Store Store, Instance Instance) NewGuest(Engine engine, Linker linker, Module module, string app)
    {
        var store = new Store(engine);
        store.SetWasiConfiguration(new WasiConfiguration()
            .WithPreopenedDirectory(Paths.PythonLib, "/usr/local/lib", false)
            .WithPreopenedDirectory(app, "/app", true));
        store.Fuel = 10_000_000_000;
        store.SetEpochDeadline(ulong.MaxValue / 2);
        return (store, linker.Instantiate(store, module));
    }

    private static Module LoadCached(Engine engine, string cacheDir, nuint keepResident)
    {
        byte[] wasm = File.ReadAllBytes(Paths.PythonWasm);
        string key = Convert.ToHexStringLower(SHA256.HashData(wasm))[..16];
        string path = Path.Combine(cacheDir, $"keep-resident-python-{key}.cwasm");
        if (File.Exists(path))
        {
            try { return Module.DeserializeFile(engine, "python", path); }
            catch (WasmtimeException) { File.Delete(path); }
        }
        var module = Module.FromBytes(engine, "python", wasm);
        string tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(tmp, module.Serialize());
        File.Move(tmp, path, overwrite: true);
        _ = keepResident;
        return module;
    }
}
