using System.Text;
using System.Xml;
using SkiaSharp;
using Svg.Skia;

namespace SkWasmPlugin.AI.Rendering;

/// <summary>
/// Turns what a program drew into PNG bytes a model can be shown: SVG is sanitized (<see cref="SvgSanitizer"/>) and
/// rendered with Svg.Skia on SkiaSharp, bounded in size and time; PNG, JPEG and GIF files pass through when within bounds.
/// </summary>
public static class ImageRenderer
{
    /// <summary>Renders SVG text to PNG; false, with the reason, when it is unsafe, too large, too slow or not SVG.</summary>
    public static bool TryRenderSvg(string svg, ImageRenderOptions? options, out byte[]? png, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(svg);
        options ??= new ImageRenderOptions();
        png = null;
        if (svg.Length > options.MaxSourceBytes || Encoding.UTF8.GetByteCount(svg) > options.MaxSourceBytes)
        {
            problem = $"The SVG is larger than {options.MaxSourceBytes:N0} bytes.";
            return false;
        }
        if (!SvgSanitizer.TrySanitize(svg, options.MaxSvgDepth, options.MaxSvgElements, out string? safe, out problem)) return false;

        // Rendering cannot be interrupted; the bounds above keep it short, and a render past the timeout is abandoned.
        var render = Task.Run(() => Render(safe!, options));
        if (!render.Wait(options.RenderTimeout))
        {
            _ = render.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            problem = $"Rendering the SVG took longer than {options.RenderTimeout.TotalSeconds:0.#} s.";
            return false;
        }
        (png, problem) = render.Result;
        return png is not null;
    }

    /// <summary>Checks a PNG, JPEG or GIF file: its bytes when they decode as such an image within the bounds.</summary>
    public static bool TryAcceptRaster(ReadOnlySpan<byte> bytes, ImageRenderOptions? options, out string? mediaType, out string? problem)
    {
        options ??= new ImageRenderOptions();
        mediaType = null;
        if (bytes.Length > options.MaxImageBytes)
        {
            problem = $"The image is larger than {options.MaxImageBytes:N0} bytes.";
            return false;
        }
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            problem = "The file is not an image that can be decoded.";
            return false;
        }
        mediaType = codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Png => "image/png",
            SKEncodedImageFormat.Jpeg => "image/jpeg",
            SKEncodedImageFormat.Gif => "image/gif",
            _ => null,
        };
        if (mediaType is null)
        {
            problem = $"{codec.EncodedFormat} images are not sent back; save it as PNG.";
            return false;
        }
        if (codec.Info.Width > options.MaxPixelsPerSide * 2 || codec.Info.Height > options.MaxPixelsPerSide * 2)
        {
            problem = $"The image is {codec.Info.Width} x {codec.Info.Height} pixels; at most {options.MaxPixelsPerSide * 2} a side are sent back.";
            return false;
        }
        problem = null;
        return true;
    }

    private static (byte[]? Png, string? Problem) Render(string svg, ImageRenderOptions options)
    {
        using var document = new SKSvg();
        document.Settings.EnableJavaScript = false;
        document.Settings.EnableExternalJavaScript = false;
        document.Settings.EnableSvgFonts = false;
        document.Settings.TypefaceProviders = [EmbeddedTypefaces.Instance];
        using var reader = XmlReader.Create(new StringReader(svg), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        var picture = document.Load(reader);
        if (picture is null) return (null, "The SVG could not be drawn.");
        var bounds = picture.CullRect;
        if (!(bounds.Width >= 1 && bounds.Height >= 1) || float.IsInfinity(bounds.Width) || float.IsInfinity(bounds.Height))
            return (null, "The SVG has no drawable size: give the <svg> element a width and height or a viewBox.");
        float scale = Math.Min(1f, options.MaxPixelsPerSide / Math.Max(bounds.Width, bounds.Height));
        int width = Math.Max(1, (int)Math.Ceiling(bounds.Width * scale)), height = Math.Max(1, (int)Math.Ceiling(bounds.Height * scale));
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White); // models read charts on white, as a browser shows them
            canvas.Scale(scale);
            canvas.Translate(-bounds.Left, -bounds.Top);
            canvas.DrawPicture(picture);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var encoded = image.Encode(SKEncodedImageFormat.Png, 100);
        if (encoded.Size > options.MaxImageBytes) return (null, $"The rendered image is larger than {options.MaxImageBytes:N0} bytes.");
        return (encoded.ToArray(), null);
    }
}
