using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SkWasmPlugin.Sandbox;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.AI.Rendering;

/// <summary>The images a run made, as PNG/JPEG/GIF contents for a model: shown files first, SVG rendered to PNG.</summary>
internal static class RunImages
{
    /// <summary>
    /// Collects the images of <paramref name="result"/> (at most <see cref="ImageRenderOptions.MaxImages"/>) and records,
    /// in <paramref name="json"/>, which were sent (<c>images</c>) and why any was not (<c>notes</c>).
    /// </summary>
    public static IReadOnlyList<DataContent> Collect(ExecutionResult result, ImageRenderOptions options, JsonObject json)
    {
        List<DataContent> images = [];
        JsonArray sent = [];
        List<string> notes = [];
        foreach (var file in result.Files.Where(f => MediaTypes.IsImage(f.MediaType)))
        {
            if (images.Count == options.MaxImages)
            {
                notes.Add($"Only the first {options.MaxImages} images are sent back; {file.Path} and later ones are in /app.");
                break;
            }
            if (file.Content is not { } bytes)
            {
                notes.Add($"{file.Path} ({file.Size:N0} bytes) was not sent back as an image: it is larger than the images a result carries.");
                continue;
            }
            byte[]? png = null;
            string? mediaType, problem;
            if (file.MediaType == MediaTypes.Svg)
            {
                mediaType = MediaTypes.Png;
                ImageRenderer.TryRenderSvg(Encoding.UTF8.GetString(bytes), options, out png, out problem);
            }
            else if (ImageRenderer.TryAcceptRaster(bytes, options, out mediaType, out problem))
            {
                png = bytes;
            }
            if (png is null)
            {
                notes.Add($"{file.Path} was not sent back as an image: {problem}");
                continue;
            }
            images.Add(new DataContent(png, mediaType!) { Name = file.Path });
            var entry = new JsonObject { ["path"] = file.Path, ["mediaType"] = mediaType };
            if (file.MediaType != mediaType) entry["renderedFrom"] = file.MediaType;
            sent.Add((JsonNode)entry);
        }
        if (sent.Count > 0) json["images"] = sent;
        if (notes.Count > 0)
        {
            var all = json["notes"] as JsonArray ?? [];
            foreach (string note in notes) all.Add((JsonNode?)JsonValue.Create(note));
            json["notes"] = all;
        }
        return images;
    }
}
