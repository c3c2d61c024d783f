using System.Text;

namespace SkWasmPlugin.AI;

/// <summary>How file bytes cross a tool call: text when they are UTF-8 text, else base64 with a media type.</summary>
internal static class FileTransfer
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>
    /// Decodes UTF-8 text without NUL bytes; a read cut short (<paramref name="cut"/>) may end inside a character, which is
    /// dropped. False for anything else (binary).
    /// </summary>
    public static bool TryDecodeText(ReadOnlyMemory<byte> content, bool cut, out string? text)
    {
        var span = cut ? Utf8Head(content.Span) : content.Span;
        text = null;
        if (span.Contains((byte)0)) return false;
        try
        {
            text = StrictUtf8.GetString(span);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="content"/> is UTF-8 text without NUL bytes (a cut read may end inside a character), decoding nothing.</summary>
    public static bool IsText(ReadOnlyMemory<byte> content, bool cut)
    {
        var span = cut ? Utf8Head(content.Span) : content.Span;
        return !span.Contains((byte)0) && System.Text.Unicode.Utf8.IsValid(span);
    }

    /// <summary>The bytes a write_file call carries: <paramref name="encoding"/> is "text"/"utf-8" (the default) or "base64".</summary>
    public static bool TryDecodeContent(string content, string? encoding, out byte[]? bytes, out string? problem)
    {
        bytes = null;
        problem = null;
        switch (encoding?.Trim().ToLowerInvariant())
        {
            case null or "" or "text" or "utf-8" or "utf8":
                bytes = Encoding.UTF8.GetBytes(content);
                return true;
            case "base64":
                try
                {
                    bytes = Convert.FromBase64String(content);
                    return true;
                }
                catch (FormatException)
                {
                    problem = "The content is not valid base64. Send the file's bytes base64-encoded, or use encoding 'text' for text.";
                    return false;
                }
            default:
                problem = $"Unknown encoding '{encoding}'. Use 'text' or 'base64'.";
                return false;
        }
    }

    /// <summary>A cut read without the incomplete UTF-8 sequence it may end in.</summary>
    private static ReadOnlySpan<byte> Utf8Head(ReadOnlySpan<byte> span)
    {
        int end = span.Length;
        for (int back = 1; back <= 3 && end - back >= 0; back++)
        {
            byte b = span[end - back];
            if ((b & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead
            int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return need > back ? span[..(end - back)] : span;
        }
        return span;
    }
}
