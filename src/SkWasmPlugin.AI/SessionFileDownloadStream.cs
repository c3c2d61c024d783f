using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace SkWasmPlugin.AI;

/// <summary>A session file's bytes as a read-only download.</summary>
// IHostedFileClient is an M.E.AI evaluation API (MEAI001): so is this type, for the same reason.
[Experimental("MEAI001")]
internal sealed class SessionFileDownloadStream(byte[] bytes, string fileName, string mediaType) : HostedFileDownloadStream
{
    private readonly MemoryStream _inner = new(bytes, writable: false);

    public override string? FileName => fileName;

    public override string? MediaType => mediaType;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override long Length => _inner.Length;

    public override long Position { get => _inner.Position; set => _inner.Position = value; }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _inner.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
