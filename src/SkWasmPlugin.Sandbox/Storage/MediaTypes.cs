using System.Text;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>The media type of a workspace file: by its first bytes where the format says so, else by its extension.</summary>
public static class MediaTypes
{
    /// <summary>Bytes read from the start of a file to decide.</summary>
    public const int SniffBytes = 512;

    public const string Png = "image/png", Jpeg = "image/jpeg", Gif = "image/gif", Svg = "image/svg+xml";

    /// <summary>True for the image types a host can show directly.</summary>
    public static bool IsImage(string mediaType) => mediaType is Png or Jpeg or Gif or Svg;

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = Png, [".jpg"] = Jpeg, [".jpeg"] = Jpeg, [".gif"] = Gif, [".svg"] = Svg, [".webp"] = "image/webp",
        [".bmp"] = "image/bmp", [".pdf"] = "application/pdf", [".zip"] = "application/zip",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        [".ods"] = "application/vnd.oasis.opendocument.spreadsheet", [".odt"] = "application/vnd.oasis.opendocument.text",
        [".xls"] = "application/vnd.ms-excel", [".csv"] = "text/csv", [".tsv"] = "text/tab-separated-values",
        [".txt"] = "text/plain", [".log"] = "text/plain", [".md"] = "text/markdown", [".json"] = "application/json",
        [".html"] = "text/html", [".htm"] = "text/html", [".xml"] = "application/xml", [".yaml"] = "application/yaml",
        [".yml"] = "application/yaml", [".toml"] = "application/toml", [".py"] = "text/x-python", [".js"] = "text/javascript",
        [".mjs"] = "text/javascript", [".css"] = "text/css", [".sqlite"] = "application/vnd.sqlite3", [".db"] = "application/vnd.sqlite3",
    };

    // Byte arrays, not u8 literals: "\x89" in a u8 literal is U+0089, two bytes in UTF-8.
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The media type of a file named <paramref name="path"/> whose content starts with <paramref name="head"/>.</summary>
    public static string Of(string path, ReadOnlySpan<byte> head)
    {
        string extension = System.IO.Path.GetExtension(path);
        if (head.StartsWith(PngSignature)) return Png;
        if (head.StartsWith(JpegSignature)) return Jpeg;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return Gif;
        if (head.StartsWith("%PDF-"u8)) return "application/pdf";
        if (head.StartsWith("SQLite format 3\0"u8)) return "application/vnd.sqlite3";
        if (head.StartsWith("PK\x03\x04"u8))
        {
            // The container does not say which document it is without reading its directory; the extension does.
            return ByExtension.TryGetValue(extension, out string? zipped) && zipped.StartsWith("application/", StringComparison.Ordinal)
                ? zipped
                : "application/zip";
        }
        if (LooksLikeSvg(head)) return Svg;
        if (ByExtension.TryGetValue(extension, out string? known)) return known;
        return IsText(head) ? "text/plain" : "application/octet-stream";
    }

    /// <summary>An <c>&lt;svg</c> element first, after an optional BOM, XML declaration, comments and doctype.</summary>
    private static bool LooksLikeSvg(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Utf8Bom)) head = head[3..];
        string text = Encoding.UTF8.GetString(head).TrimStart();
        if (!text.StartsWith('<')) return false;
        int svg = text.IndexOf("<svg", StringComparison.Ordinal);
        if (svg < 0) return false;
        // Only prologue before it: declarations, comments, doctype (no other element).
        string prologue = text[..svg];
        int i = 0;
        while ((i = prologue.IndexOf('<', i)) >= 0)
        {
            if (i + 1 >= prologue.Length || prologue[i + 1] is not ('?' or '!')) return false;
            i++;
        }
        return true;
    }

    private static bool IsText(ReadOnlySpan<byte> head)
    {
        if (head.IndexOf((byte)0) >= 0) return false;
        if (System.Text.Unicode.Utf8.IsValid(head)) return true;
        // A multi-byte character cut at the end of the sniffed bytes is still text.
        for (int cut = 1; cut <= 3 && head.Length == SniffBytes; cut++)
            if (System.Text.Unicode.Utf8.IsValid(head[..^cut])) return true;
        return false;
    }
}
