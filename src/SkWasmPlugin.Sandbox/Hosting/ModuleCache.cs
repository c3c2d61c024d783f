using System.Reflection;
using Module = Wasmtime.Module;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Compiled modules on disk (<c>Module.Serialize</c>), keyed by the Wasmtime version, the engine
/// configuration and the sha256 of the .wasm: a key that differs in any of them never loads.
/// </summary>
internal sealed class ModuleCache(string? directory, string engineFingerprint, ILogger logger)
{
    internal static readonly string WasmtimeVersion =
        typeof(Engine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Engine).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Times the cache answered, for tests and diagnostics.</summary>
    public int Hits { get; private set; }

    /// <summary>Times a module had to be compiled.</summary>
    public int Misses { get; private set; }

    /// <summary>The cache folder, or null when disabled.</summary>
    public string? Directory => directory;

    public Module Load(Engine engine, string name, byte[] wasm, string wasmSha256)
    {
        if (directory is null)
        {
            Misses++;
            return Module.FromBytes(engine, name, wasm);
        }

        string path = PathFor(name, wasmSha256);
        if (File.Exists(path))
        {
            try
            {
                var module = Module.DeserializeFile(engine, name, path);
                Hits++;
                Log.ModuleCacheHit(logger, name, path);
                return module;
            }
            catch (Exception ex) when (ex is WasmtimeException or IOException)
            {
                Log.ModuleCacheCorrupt(logger, path, ex.Message);
                TryDelete(path);
            }
        }

        Misses++;
        var compiled = Module.FromBytes(engine, name, wasm);
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            string tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(tmp, compiled.Serialize());
            File.Move(tmp, path, overwrite: true);
            Log.ModuleCacheStored(logger, name, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only or full disk costs the next process a compile, nothing more.
            Log.ModuleCacheWriteFailed(logger, path, ex.Message);
        }
        return compiled;
    }

    /// <summary>
    /// <paramref name="compiled"/> (from another engine with the same configuration but another allocator)
    /// for <paramref name="engine"/>: mapped from the cache file when there is one, else copied in memory.
    /// Never compiles again.
    /// </summary>
    public Module LoadForEngine(Engine engine, string name, Module compiled, string wasmSha256)
    {
        if (directory is not null)
        {
            string path = PathFor(name, wasmSha256);
            try
            {
                if (File.Exists(path)) return Module.DeserializeFile(engine, name, path);
            }
            catch (Exception ex) when (ex is WasmtimeException or IOException)
            {
                Log.ModuleCacheCorrupt(logger, path, ex.Message);
            }
        }
        return Module.Deserialize(engine, name, compiled.Serialize());
    }

    private string PathFor(string name, string wasmSha256)
    {
        string key = Convert.ToHexStringLower(SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{WasmtimeVersion}|{engineFingerprint}|{wasmSha256}")));
        return Path.Combine(directory!, $"{name}-{key[..32]}.cwasm");
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
