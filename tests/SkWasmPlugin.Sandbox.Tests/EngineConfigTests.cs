using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>Engine set-up that depends on Wasmtime.Dotnet internals must fail loudly when an upgrade changes them.</summary>
public sealed class EngineConfigTests
{
    [Fact]
    public void The_pool_can_be_told_to_reserve_no_async_stacks()
    {
        // Without it every process start pays ~3 ms for 1000 fiber stacks nobody uses (bench/RESULTS.md, run I).
        Assert.NotNull(WasmEngine.MaxStacksSetter);
        Assert.Equal(typeof(Wasmtime.PoolingAllocationConfig), WasmEngine.MaxStacksSetter!.ReturnType);
    }
}
