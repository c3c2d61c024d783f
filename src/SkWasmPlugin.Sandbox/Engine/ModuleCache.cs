using System.Reflection;
using Module = Wasmtime.Module;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Compiled modules on disk (<c>Module.Serialize</c>), keyed by the Wasmtime version, the engine
/// configuration and the sha256 of the .wasm: a key that differs in any of them never loads. A missing entry is
/// built under a <see cref="CacheLock"/>, so concurrent cold processes compile it once. Every entry this process
/// uses is remembered (<see cref="InUse"/>) and its time refreshed once a day, for <see cref="ModuleCachePruner"/>.
/// </summary>
/// <param name="directory">The cache folder; null: no cache, every module is compiled.</param>
/// <param name="engineFingerprint">The engine settings compiled code depends on (<see cref="EngineSettings.CacheKey"/>).</param>
/// <param name="logger">Where hits, stores and failures are logged.</param>
/// <param name="filePrefix">Put before each module's name in its file name (the baseline compiler's: <c>baseline-</c>).</param>
internal sealed class ModuleCache(string? directory, string engineFingerprint, ILogger logger, string filePrefix = "")
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _inUse = new(StringComparer.Ordinal);

    /// <summary>The cache files this process has loaded or written (never pruned).</summary>
    public IReadOnlyCollection<string> InUse => (IReadOnlyCollection<string>)_inUse.Keys;

    /// <summary>Records that this process uses <paramref name="path"/> and, if its time is over a day old, refreshes it (age is time since last use).</summary>
    public void MarkUsed(string path)
    {
        if (!_inUse.TryAdd(path, 0)) return;
        try
        {
            var now = DateTime.UtcNow;
            if (File.Exists(path) && File.GetLastWriteTimeUtc(path) < now - TimeSpan.FromDays(1)) File.SetLastWriteTimeUtc(path, now);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    internal static readonly string WasmtimeVersion =
        typeof(Engine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Engine).Assembly.GetName().Version?.ToString() ?? "unknown";

    private int _hits, _misses;

    /// <summary>Times the cache answered, for tests and diagnostics.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Times a module had to be compiled.</summary>
    public int Misses => Volatile.Read(ref _misses);

    /// <summary>The cache folder, or null when disabled.</summary>
    public string? Directory => directory;

    /// <summary>
    /// The sha256 of a .wasm file. With a cache folder it is recorded there beside the file's size and write
    /// time, so later processes skip reading and hashing megabytes while the file is unchanged.
    /// </summary>
    public string WasmSha256(string wasmPath)
    {
        var info = new FileInfo(wasmPath);
        string stamp = $"{info.Length}|{info.LastWriteTimeUtc.Ticks}|";
        string? stampFile = directory is null ? null : Path.Combine(directory,
            $"wasm-{CacheKey.Of(Path.GetFullPath(wasmPath))}.sha256");
        if (stampFile is not null)
        {
            MarkUsed(stampFile);
            try
            {
                if (File.Exists(stampFile) && File.ReadAllText(stampFile) is { } text && text.StartsWith(stamp, StringComparison.Ordinal)
                    && text.Length == stamp.Length + 64)
                    return text[stamp.Length..];
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(wasmPath)));
        if (stampFile is not null) TryWriteAtomic(stampFile, System.Text.Encoding.UTF8.GetBytes(stamp + sha));
        return sha;
    }

    /// <summary>The module compiled from the .wasm whose sha256 is given: from the cache, else compiled and stored.</summary>
    public Module Load(Engine engine, string name, Func<byte[]> readWasm, string wasmSha256) =>
        Load(engine, name, () => Module.FromBytes(engine, name, readWasm()), wasmSha256, counted: true);

    /// <summary>The module from the cache file alone, never compiled or waited for; null when it is not there (or damaged).</summary>
    public Module? TryLoadCached(Engine engine, string name, string wasmSha256)
    {
        if (directory is null) return null;
        string path = PathFor(name, wasmSha256);
        MarkUsed(path);
        return TryDeserialize(engine, name, path, counted: true);
    }

    /// <summary>The module from the cache, else made by <paramref name="compile"/> (for the cache's engine configuration) and stored.</summary>
    public Module Load(Engine engine, string name, Func<Module> compile, string wasmSha256) =>
        Load(engine, name, compile, wasmSha256, counted: true);

    /// <summary>A module from WebAssembly text (our trampoline): compiling even a small one costs milliseconds.</summary>
    public Module LoadText(Engine engine, string name, string text) =>
        Load(engine, name, () => Module.FromText(engine, name, text),
            CacheKey.Of(text), counted: false);

    /// <remarks><see cref="Hits"/> and <see cref="Misses"/> count the guest runtimes only (<paramref name="counted"/>).</remarks>
    private Module Load(Engine engine, string name, Func<Module> compile, string wasmSha256, bool counted)
    {
        if (directory is null)
        {
            if (counted) Interlocked.Increment(ref _misses);
            return compile();
        }

        string path = PathFor(name, wasmSha256);
        MarkUsed(path);
        if (TryDeserialize(engine, name, path, counted) is { } cached) return cached;

        // Another process may be compiling this very entry: wait for it rather than compile it a second time.
        using var held = CacheLock.TryAcquire(path, CacheLock.DefaultWait);
        if (TryDeserialize(engine, name, path, counted) is { } built) return built;
        if (counted) Interlocked.Increment(ref _misses);
        var compiled = compile();
        if (TryWriteAtomic(path, compiled.Serialize()) is { } error)
            Log.ModuleCacheWriteFailed(logger, path, error); // a read-only or full disk costs the next process a compile, nothing more
        else
            Log.ModuleCacheStored(logger, name, path);
        return compiled;
    }

    private Module? TryDeserialize(Engine engine, string name, string path, bool counted)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var module = Module.DeserializeFile(engine, name, path);
            if (counted) Interlocked.Increment(ref _hits);
            Log.ModuleCacheHit(logger, name, path);
            return module;
        }
        catch (Exception ex) when (ex is WasmtimeException or IOException)
        {
            Log.ModuleCacheCorrupt(logger, path, ex.Message);
            TryDelete(path);
            return null;
        }
    }

    /// <summary>Writes a cache file whole or not at all; returns the error, if any.</summary>
    private string? TryWriteAtomic(string path, byte[] data)
    {
        try
        {
            System.IO.Directory.CreateDirectory(directory!);
            string tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(tmp, data);
            File.Move(tmp, path, overwrite: true);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// <paramref name="compiled"/> (from another engine with the same configuration but another allocator)
    /// for <paramref name="engine"/>: mapped from the cache file, else copied in memory. Never compiles again.
    /// </summary>
    public Module LoadCopy(Engine engine, string name, Module compiled, string wasmSha256) =>
        Load(engine, name, () => Module.Deserialize(engine, name, compiled.Serialize()), wasmSha256, counted: false);

    /// <summary>The cache file of the module <paramref name="name"/> compiled from the .wasm with this sha256.</summary>
    internal string PathFor(string name, string wasmSha256)
    {
        string key = CacheKey.Of($"{WasmtimeVersion}|{engineFingerprint}|{wasmSha256}");
        return Path.Combine(directory!, $"{filePrefix}{name}-{key}.cwasm");
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
