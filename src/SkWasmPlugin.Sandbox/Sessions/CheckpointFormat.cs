using System.IO.Compression;
using System.Text;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>
/// The stored form of a checkpoint: a magic, the runtime build key (a checkpoint only fits the exact runtime
/// build and mount layout it was taken on), then the page image, deflated.
/// </summary>
internal static class CheckpointFormat
{
    private const string Magic = "SKWASM-CKPT-1";

    public static byte[] Write(PageImage image, string buildKey, long call)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(buildKey);
            writer.Write(call);
            using var deflate = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true);
            using var inner = new BinaryWriter(deflate);
            image.WriteTo(inner);
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a checkpoint; throws <see cref="InvalidDataException"/> when it is corrupt or from another runtime build.</summary>
    public static (PageImage Image, long Call) Read(byte[] data, string buildKey)
    {
        try
        {
            using var buffer = new MemoryStream(data);
            using var reader = new BinaryReader(buffer, Encoding.UTF8);
            if (reader.ReadString() != Magic) throw new InvalidDataException("not a checkpoint");
            string key = reader.ReadString();
            if (key != buildKey)
                throw new InvalidDataException("it was taken with another runtime build, so its state cannot be loaded into this one");
            long call = reader.ReadInt64();
            using var inflate = new ZLibStream(buffer, CompressionMode.Decompress);
            using var inner = new BinaryReader(inflate);
            return (PageImage.ReadFrom(inner), call);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("the checkpoint is truncated", ex);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or System.Text.DecoderFallbackException)
        {
            // BinaryReader on garbage: a length prefix or string that makes no sense.
            throw new InvalidDataException("the checkpoint is corrupt", ex);
        }
    }
}
