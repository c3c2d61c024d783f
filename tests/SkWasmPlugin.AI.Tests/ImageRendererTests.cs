using System.Diagnostics;
using System.Text;
using SkiaSharp;
using SkWasmPlugin.AI.Rendering;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>SVG written by untrusted code, rendered in the host: what must render, and what must never happen.</summary>
public sealed class ImageRendererTests
{
    private static SKBitmap Render(string svg, ImageRenderOptions? options = null)
    {
        Assert.True(ImageRenderer.TryRenderSvg(svg, options, out var png, out var problem), problem);
        Assert.True(png!.AsSpan().StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
        return SKBitmap.Decode(png);
    }

    private static int Count(SKBitmap bitmap, Func<SKColor, bool> match)
    {
        int n = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                if (match(bitmap.GetPixel(x, y))) n++;
        return n;
    }

    private static bool IsRed(SKColor c) => c.Red > 200 && c.Green < 60 && c.Blue < 60;

    [Fact]
    public void Shapes_and_text_render_at_the_svg_size_with_the_bundled_font()
    {
        using var bitmap = Render("""
            <svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">
              <rect x="0" y="0" width="100" height="100" fill="#ff0000"/>
              <text x="110" y="60" font-family="Consolas, 'Liberation Mono', monospace" font-size="30" fill="black">Hi</text>
            </svg>
            """);
        Assert.Equal((200, 100), (bitmap.Width, bitmap.Height));
        Assert.InRange(Count(bitmap, IsRed), 9000, 10000);
        // The text drew dark pixels right of the square: the embedded font works without fontconfig.
        int ink = 0;
        for (int y = 0; y < 100; y++)
            for (int x = 105; x < 200; x++)
                if (bitmap.GetPixel(x, y).Red < 100) ink++;
        Assert.True(ink > 50, $"only {ink} text pixels");
    }

    [Fact]
    public void External_references_are_never_resolved()
    {
        string dir = Directory.CreateTempSubdirectory("skwasm-svg-").FullName;
        string red = Path.Combine(dir, "red.png");
        using (var bmp = new SKBitmap(50, 50))
        {
            bmp.Erase(SKColors.Red);
            File.WriteAllBytes(red, bmp.Encode(SKEncodedImageFormat.Png, 100).ToArray());
        }
        File.WriteAllText(Path.Combine(dir, "other.svg"), """<svg xmlns="http://www.w3.org/2000/svg"><rect id="r" width="50" height="50" fill="red"/></svg>""");
        using var bitmap = Render($$"""
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="50" height="50" xml:base="file://{{dir}}/">
              <style>@import url("file://{{dir}}/evil.css"); rect { fill: url(file://{{dir}}/other.svg#r) }</style>
              <image x="0" y="0" width="50" height="50" href="file://{{red}}"/>
              <image x="0" y="0" width="50" height="50" xlink:href="{{red}}"/>
              <image x="0" y="0" width="50" height="50" href="red.png"/>
              <use href="file://{{dir}}/other.svg#r"/>
              <rect width="50" height="50" fill="url(file://{{dir}}/other.svg#r)" style="fill: url('{{dir}}/other.svg#r')"/>
              <script>throw 1</script>
            </svg>
            """);
        Assert.Equal(0, Count(bitmap, IsRed));
    }

    [Fact]
    public void Inline_raster_images_do_render_so_the_test_above_proves_something()
    {
        using var red = new SKBitmap(50, 50);
        red.Erase(SKColors.Red);
        string data = Convert.ToBase64String(red.Encode(SKEncodedImageFormat.Png, 100).ToArray());
        using var bitmap = Render($"""<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50"><image width="50" height="50" href="data:image/png;base64,{data}"/></svg>""");
        Assert.True(Count(bitmap, IsRed) > 2000);
    }

    [Fact]
    public void Entities_are_refused_so_a_billion_laughs_expands_nothing()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY lol \"lol\">");
        for (int i = 1; i <= 9; i++) sb.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10)).Replace("&lol0;", "&lol;")}\">");
        sb.Append("]><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><text>&lol9;</text></svg>");
        var clock = Stopwatch.StartNew();
        Assert.False(ImageRenderer.TryRenderSvg(sb.ToString(), null, out var png, out var problem));
        Assert.Null(png);
        Assert.Contains("entities", problem);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_huge_canvas_is_scaled_down_to_the_side_limit()
    {
        using var bitmap = Render("""<svg xmlns="http://www.w3.org/2000/svg" width="1000000" height="1000000"><rect width="1000000" height="500000" fill="red"/></svg>""",
            new ImageRenderOptions { MaxPixelsPerSide = 512 });
        Assert.Equal((512, 512), (bitmap.Width, bitmap.Height));
        Assert.InRange(Count(bitmap, IsRed), 512 * 250, 512 * 260);
    }

    [Fact]
    public void A_million_nested_groups_are_refused_before_a_tree_is_built()
    {
        string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">" + string.Concat(Enumerable.Repeat("<g>", 1_000_000))
            + string.Concat(Enumerable.Repeat("</g>", 1_000_000)) + "</svg>";
        Assert.False(ImageRenderer.TryRenderSvg(svg, new ImageRenderOptions { MaxSourceBytes = 16 * 1024 * 1024 }, out _, out var problem));
        Assert.Contains("deep", problem);
    }

    [Fact]
    public void Chains_of_use_copies_cannot_multiply_the_drawing()
    {
        var sb = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><defs><rect id=\"a0\" width=\"1\" height=\"1\"/>");
        for (int i = 1; i <= 12; i++)
            sb.Append($"<g id=\"a{i}\">").Append(string.Concat(Enumerable.Repeat($"<use href=\"#a{i - 1}\"/>", 10))).Append("</g>");
        sb.Append("</defs><use href=\"#a12\"/></svg>");
        var clock = Stopwatch.StartNew();
        bool rendered = ImageRenderer.TryRenderSvg(sb.ToString(), null, out _, out _);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed}, rendered: {rendered}");

        var wide = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><g id=\"big\">");
        wide.Append(string.Concat(Enumerable.Repeat("<rect width=\"1\" height=\"1\"/>", 1000))).Append("</g>");
        wide.Append(string.Concat(Enumerable.Repeat("<use href=\"#big\"/>", 100))).Append("</svg>");
        Assert.False(ImageRenderer.TryRenderSvg(wide.ToString(), null, out _, out var problem));
        Assert.Contains("<use>", problem);
    }

    [Fact]
    public void Not_svg_and_oversized_sources_are_refused_with_a_reason()
    {
        Assert.False(ImageRenderer.TryRenderSvg("<html><body/></html>", null, out _, out var notSvg));
        Assert.Contains("<svg>", notSvg);
        Assert.False(ImageRenderer.TryRenderSvg("not xml at all", null, out _, out var notXml));
        Assert.Contains("well-formed", notXml);
        Assert.False(ImageRenderer.TryRenderSvg(new string(' ', 5000) + "<svg/>", new ImageRenderOptions { MaxSourceBytes = 1000 }, out _, out var big));
        Assert.Contains("larger", big);
    }

    [Fact]
    public void Raster_images_pass_when_they_decode_within_bounds()
    {
        using var bmp = new SKBitmap(20, 10);
        bmp.Erase(SKColors.Blue);
        byte[] png = bmp.Encode(SKEncodedImageFormat.Png, 100).ToArray();
        Assert.True(ImageRenderer.TryAcceptRaster(png, null, out var type, out _));
        Assert.Equal("image/png", type);
        Assert.False(ImageRenderer.TryAcceptRaster("\x89PNG not really"u8, null, out _, out var problem));
        Assert.NotNull(problem);
        Assert.False(ImageRenderer.TryAcceptRaster(png, new ImageRenderOptions { MaxImageBytes = 10 }, out _, out _));
    }
}
