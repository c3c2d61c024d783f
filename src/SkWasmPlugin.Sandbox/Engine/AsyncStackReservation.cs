using System.Reflection;
using Microsoft.Extensions.Logging;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Tells the pooling allocator to reserve one async fiber stack instead of its default thousand. The .NET API never
/// runs wasm asynchronously, yet the pool reserves those stacks, each with a guard page set by its own mprotect, whenever
/// an engine is created: most of what creating an engine costs, paid at every process start (bench/RESULTS.md).
/// Wasmtime for .NET keeps its setter private (async is unsupported there) and has no public option for it, so this is
/// the library's one call into another library's private member, and it is kept here: when a later version drops or
/// changes the member, the engine is created without it (slower to create, otherwise the same) and that is logged
/// once. EngineConfigTests fails when the member is gone, so an upgrade of the package notices.
/// </summary>
internal sealed class AsyncStackReservation(MethodInfo? setter)
{
    /// <summary>The reservation through the setter of the Wasmtime for .NET in use, if it has one of the expected shape.</summary>
    public static AsyncStackReservation Default { get; } = new(Find());

    private int _reported;

    /// <summary><c>PoolingAllocationConfig.WithMaxStacks(uint)</c>, or null when this version has no such member.</summary>
    public MethodInfo? Setter => setter;

    /// <summary>Limits <paramref name="pool"/> to one async stack; false (logged once) when the setter is missing or fails.</summary>
    public bool TryApply(PoolingAllocationConfig pool, ILogger logger)
    {
        string? problem = null;
        if (setter is null)
        {
            problem = "it has no PoolingAllocationConfig.WithMaxStacks(uint)";
        }
        else
        {
            try
            {
                setter.Invoke(pool, [1u]);
                return true;
            }
            catch (TargetInvocationException ex)
            {
                problem = $"PoolingAllocationConfig.WithMaxStacks(uint) failed: {(ex.InnerException ?? ex).Message}";
            }
        }
        if (Interlocked.Exchange(ref _reported, 1) == 0) Log.AsyncStacksReserved(logger, ModuleCache.WasmtimeVersion, problem);
        return false;
    }

    private static MethodInfo? Find() =>
        typeof(PoolingAllocationConfig).GetMethod("WithMaxStacks", BindingFlags.NonPublic | BindingFlags.Instance, [typeof(uint)]) is { } method
        && method.ReturnType == typeof(PoolingAllocationConfig)
            ? method
            : null;
}
