using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>The engine settings are written once, for the Wasmtime configuration and the module cache's key alike.</summary>
public sealed class EngineSettingsTests
{
    [Fact]
    public void The_cache_key_names_every_setting_as_the_caches_on_disk_know_it()
    {
        // The modules cached by earlier builds stay valid only while this string is the same.
        Assert.Equal("fuel=1;epoch=1;stack=1048576;opt=speed;cow=1", EngineSettings.CacheKey(new SandboxOptions()));
        Assert.Equal("fuel=1;epoch=1;stack=524288;opt=speed;cow=1", EngineSettings.CacheKey(new SandboxOptions { WasmStackBytes = 512 * 1024 }));
    }

    [Fact]
    public void The_configuration_meters_fuel_and_interrupts_by_epoch()
    {
        using var config = EngineSettings.NewConfig(new SandboxOptions())!;
        AssertMetersFuel(config);
    }

    /// <summary>A loop on an engine of <paramref name="config"/> ends in the out-of-fuel trap.</summary>
    internal static void AssertMetersFuel(Wasmtime.Config config)
    {
        using var engine = new Wasmtime.Engine(config);
        using var module = Wasmtime.Module.FromText(engine, "loop", "(module (func (export \"spin\") (loop br 0)))");
        using var store = new Wasmtime.Store(engine);
        store.Fuel = 10_000;
        store.SetEpochDeadline(ulong.MaxValue / 2);
        var spin = new Wasmtime.Instance(store, module).GetAction("spin")!;
        var trap = Assert.Throws<Wasmtime.TrapException>(() => spin());
        Assert.Equal(Wasmtime.TrapCode.OutOfFuel, trap.Type);
    }
}
