using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>Which of Wasmtime's compilers makes a runtime's code.</summary>
internal enum CompilerTier
{
    /// <summary>Cranelift, optimizing: what interpreters run on once it is compiled or found in the cache.</summary>
    Optimizing,

    /// <summary>Winch, Wasmtime's baseline compiler: compiles several times faster, its code runs slower.</summary>
    Baseline,
}

/// <summary>
/// Selects Winch on a <see cref="Config"/>. Wasmtime for .NET 50.0.1 ships a native library with Winch built in, but its
/// <see cref="CompilerStrategy"/> names only Auto and Cranelift and refuses other values, so the C API's
/// <c>wasmtime_config_strategy_set(config, WASMTIME_STRATEGY_WINCH)</c> is called on the configuration's native handle,
/// which the .NET wrapper keeps internal. This is the one place this library reaches into another library's
/// non-public members; it is done because it takes a cold Python start from ~5 s to ~1.5 s. When the member is not
/// there (another Wasmtime for .NET version) <see cref="TrySelectBaseline"/> says no and the runtime compiles with
/// Cranelift as before; <c>CompilerTierTests</c> fails if the pinned version stops offering it.
/// </summary>
internal static partial class WasmtimeCompiler
{
    /// <summary>wasmtime.h: <c>WASMTIME_STRATEGY_WINCH</c> (after AUTO = 0 and CRANELIFT = 1).</summary>
    private const byte StrategyWinch = 2;

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_NativeHandle")]
    [return: UnsafeAccessorType("Wasmtime.Config+Handle, Wasmtime.Dotnet")]
    private static extern object NativeHandle(Config config);

    [LibraryImport("wasmtime")]
    private static partial void wasmtime_config_strategy_set(IntPtr config, byte strategy);

    /// <summary>Sets <paramref name="config"/> to compile with Winch; false (nothing changed) when this Wasmtime for .NET does not allow it.</summary>
    public static bool TrySelectBaseline(Config config)
    {
        SafeHandle handle;
        try
        {
            handle = (SafeHandle)NativeHandle(config);
        }
        catch (Exception ex) when (ex is MissingMemberException or InvalidCastException or TypeLoadException)
        {
            return false;
        }
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            wasmtime_config_strategy_set(handle.DangerousGetHandle(), StrategyWinch);
            return true;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }
}
