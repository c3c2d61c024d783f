namespace SkWasmPlugin.AI.Rendering;

/// <summary>Bounds on the images a run may send back, and on rendering the SVG that untrusted code wrote.</summary>
public sealed class ImageRenderOptions
{
    /// <summary>Most images one result carries.</summary>
    public int MaxImages { get; set; } = 4;

    /// <summary>Most bytes of one source file (SVG text or a PNG/JPEG/GIF) considered.</summary>
    public int MaxSourceBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Most bytes of one image sent back.</summary>
    public int MaxImageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest side of a rendered image in pixels: a larger drawing is scaled down to fit.</summary>
    public int MaxPixelsPerSide { get; set; } = 4096;

    /// <summary>Most elements an SVG may have (and its <c>use</c> copies together).</summary>
    public int MaxSvgElements { get; set; } = 50_000;

    /// <summary>Deepest nesting of SVG elements.</summary>
    public int MaxSvgDepth { get; set; } = 256;

    /// <summary>Longest time rendering one SVG may take before it is given up.</summary>
    public TimeSpan RenderTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
