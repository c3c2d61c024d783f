namespace SkWasmPlugin.Sandbox;

/// <summary>What starting one runtime cost (once per process).</summary>
public sealed record RuntimeStartup(double Milliseconds, long Fuel, int SnapshotPages)
{
    /// <summary>
    /// The compiler of the code new interpreters run: <c>cranelift</c> (optimized), or <c>winch</c> (Wasmtime's baseline
    /// compiler) while a runtime that started cold has its optimized code compiled in the background
    /// (<see cref="SandboxOptions.BaselineCompilerWhileCold"/>).
    /// </summary>
    public string Compiler { get; init; } = "cranelift";
}
