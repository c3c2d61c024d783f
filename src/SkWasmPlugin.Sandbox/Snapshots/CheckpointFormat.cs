using System.IO.Compression;
using System.Text;
using Microsoft.IO;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>
/// The stored form of a checkpoint: a magic, the runtime build key (a checkpoint only fits the exact runtime
/// build and mount layout it was taken on), then the page image, deflated.
/// </summary>
internal static class CheckpointFormat
{
    private const string Magic = "SKWASM-CKPT-1";

    /// <summary>
    /// Buffers for stored checkpoints (large objects, a Python one especially): pooled, so persisting many
    /// sessions does not leave the GC holding hundreds of MB of large-object heap, and bounded, so the pool
    /// itself keeps at most a few MB once the burst is over.
    /// </summary>
    private static readonly RecyclableMemoryStreamManager Buffers = new(new RecyclableMemoryStreamManager.Options
    {
        BlockSize = 64 * 1024,
        LargeBufferMultiple = 1024 * 1024,
        MaximumBufferSize = 64 * 1024 * 1024,
        MaximumSmallPoolFreeBytes = 4 * 1024 * 1024,
        MaximumLargePoolFreeBytes = 8 * 1024 * 1024,
    });

    /// <summary>The stored form of <paramref name="image"/> (flattened), in a pooled stream the caller disposes.</summary>
    public static RecyclableMemoryStream Write(PageImage image, string buildKey, long call)
    {
        var buffer = Buffers.GetStream("checkpoint");
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(buildKey);
            writer.Write(call);
            using var deflate = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true);
            using var inner = new BinaryWriter(deflate);
            image.WriteTo(inner);
        }
        return buffer;
    }

    /// <summary>Reads a checkpoint; throws <see cref="InvalidDataException"/> when it is corrupt, from another runtime build, or for a memory over <paramref name="maxMemoryBytes"/>.</summary>
    public static (PageImage Image, long Call) Read(byte[] data, string buildKey, long maxMemoryBytes)
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
            return (PageImage.ReadFrom(inner, maxMemoryBytes), call);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("the checkpoint is truncated", ex);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or OutOfMemoryException or System.Text.DecoderFallbackException)
        {
            // BinaryReader on garbage: a length prefix or string that makes no sense.
            throw new InvalidDataException("the checkpoint is corrupt", ex);
        }
    }
}
