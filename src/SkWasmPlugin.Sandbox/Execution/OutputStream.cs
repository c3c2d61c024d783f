namespace SkWasmPlugin.Sandbox;

/// <summary>Which of the program's output streams a chunk of text came from.</summary>
public enum OutputStream
{
    /// <summary>Standard output (<c>print</c>, <c>console.log</c>).</summary>
    Stdout,

    /// <summary>Standard error (tracebacks, <c>console.error</c>, the host's note when a limit stopped the program).</summary>
    Stderr,
}
