using SkiaSharp;
using Svg.Skia.TypefaceProviders;

namespace SkWasmPlugin.AI.Rendering;

/// <summary>
/// DejaVu Sans (regular and bold), embedded: the host may have no fontconfig and no fonts, so every family an SVG
/// names is drawn with these, and text always renders the same way.
/// </summary>
internal sealed class EmbeddedTypefaces : ITypefaceProvider
{
    private static readonly Lazy<SKTypeface> Regular = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> Bold = new(() => Load("DejaVuSans-Bold.ttf"));

    public static EmbeddedTypefaces Instance { get; } = new();

    public SKTypeface? FromFamilyName(string fontFamily, SKFontStyleWeight fontWeight, SKFontStyleWidth fontWidth, SKFontStyleSlant fontStyle) =>
        fontWeight >= SKFontStyleWeight.SemiBold ? Bold.Value : Regular.Value;

    private static SKTypeface Load(string file)
    {
        string name = "SkWasmPlugin.AI.Fonts." + file;
        using var stream = typeof(EmbeddedTypefaces).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded font {name} is missing from SkWasmPlugin.AI.");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException($"The embedded font {name} could not be read.");
    }
}
