using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// The Wasmtime settings compiled code depends on, each written once: applied to a <see cref="Config"/> and named in
/// the module cache's key (<see cref="CacheKey"/>), so changing one changes the key and a module compiled with the
/// old settings is never loaded.
/// </summary>
internal static class EngineSettings
{
    private readonly record struct Setting(string Key, Func<Config, Config> Apply);

    private static IEnumerable<Setting> Settings(SandboxOptions options)
    {
        yield return On("fuel", (c, on) => c.WithFuelConsumption(on));
        yield return On("epoch", (c, on) => c.WithEpochInterruption(on));
        int stack = options.WasmStackBytes;
        yield return new($"stack={stack}", c => c.WithMaximumStackSize(stack));
        var level = OptimizationLevel.Speed;
        yield return new($"opt={level.ToString().ToLowerInvariant()}", c => c.WithOptimizationLevel(level));
        yield return On("cow", (c, on) => c.WithMemoryInitCopyOnWrite(on));
    }

    private static Setting On(string name, Func<Config, bool, Config> set) => new($"{name}=1", c => set(c, true));

    /// <summary>The settings as the module cache names them, e.g. <c>fuel=1;epoch=1;stack=1048576;opt=speed;cow=1</c>.</summary>
    public static string CacheKey(SandboxOptions options) => string.Join(";", Settings(options).Select(s => s.Key));

    /// <summary>A new configuration with every setting applied; the caller disposes it.</summary>
    public static Config NewConfig(SandboxOptions options)
    {
        var config = new Config();
        try
        {
            foreach (var setting in Settings(options)) setting.Apply(config);
            // How modules are compiled, not what they become: not part of the key.
            return config.WithParallelCompilation(true);
        }
        catch
        {
            config.Dispose();
            throw;
        }
    }
}
