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

    /// <summary>
    /// The settings as the module cache names them, e.g. <c>fuel=1;epoch=1;stack=1048576;opt=speed;cow=1</c>, and
    /// <c>;compiler=winch</c> for the baseline compiler's code.
    /// </summary>
    public static string CacheKey(SandboxOptions options, CompilerTier compiler = CompilerTier.Optimizing)
    {
        var key = new System.Text.StringBuilder();
        foreach (var setting in Settings(options)) key.Append(key.Length == 0 ? "" : ";").Append(setting.Key);
        return (compiler == CompilerTier.Baseline ? key.Append(";compiler=winch") : key).ToString();
    }

    /// <summary>
    /// A new configuration with every setting applied; the caller disposes it. Null for <see cref="CompilerTier.Baseline"/>
    /// when Wasmtime for .NET does not let Winch be chosen (<see cref="WasmtimeCompiler"/>).
    /// </summary>
    /// <param name="options">The settings compiled code depends on.</param>
    /// <param name="compiler">Cranelift, or Winch for a runtime's first seconds on a cold machine.</param>
    /// <param name="parallel">Compile on every core (a call waits for it) or on the calling thread only (a background compile).</param>
    public static Config? NewConfig(SandboxOptions options, CompilerTier compiler = CompilerTier.Optimizing, bool parallel = true)
    {
        var config = new Config();
        try
        {
            foreach (var setting in Settings(options)) setting.Apply(config);
            if (compiler == CompilerTier.Baseline && !WasmtimeCompiler.TrySelectBaseline(config))
            {
                config.Dispose();
                return null;
            }
            // How modules are compiled, not what they become: not part of the key.
            return config.WithParallelCompilation(parallel);
        }
        catch
        {
            config.Dispose();
            throw;
        }
    }
}
