using System.Text;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Collects one stream of guest output up to a cap. Past the cap the bytes are counted and dropped, so a
/// guest printing gigabytes costs the host no more than the cap. A streamed call also hands the kept bytes, as
/// they come, to its <see cref="OutputForwarder"/>: what streams is exactly what the result holds.
/// </summary>
internal sealed class OutputCapture(OutputStream stream)
{
    private OutputForwarder? _forward;
    private byte[] _buffer = new byte[4096];
    private int _length;
    private int _cap = int.MaxValue;

    /// <summary>Bytes the guest wrote in all, kept or not.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>True once the guest wrote more than the cap.</summary>
    public bool Overflowed { get; private set; }

    public void Reset(int cap, OutputForwarder? forward = null)
    {
        _cap = cap;
        _forward = forward;
        _length = 0;
        TotalBytes = 0;
        Overflowed = false;
        if (_buffer.Length > 1024 * 1024) _buffer = new byte[4096]; // don't pin a big buffer to an idle session
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        TotalBytes += data.Length;
        int room = _cap - _length;
        if (data.Length > room)
        {
            Overflowed = true;
            data = data[..Math.Max(room, 0)];
        }
        if (data.IsEmpty) return;
        _forward?.Write(stream, data);
        if (_length + data.Length > _buffer.Length)
            Array.Resize(ref _buffer, (int)Math.Min(Math.Max((long)_buffer.Length * 2, _length + data.Length), _cap));
        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }

    /// <summary>
    /// WASI <c>fd_write</c> to this stream, served here from the guest's iovecs rather than through WASI and its output
    /// callback: that path crosses between wasm and .NET three times per write, which a line-buffered stdout pays on
    /// every line (bench/RESULTS.md). Returns the errno; the whole write is reported written, as WASI does (bytes past
    /// the cap are counted and dropped).
    /// </summary>
    public int WriteIovecs(Memory memory, int iovs, int iovsLength, int nwrittenPtr)
    {
        const int ErrnoFault = 21;
        long length = memory.GetLength();
        if (iovsLength < 0 || iovs < 0 || iovs + 8L * iovsLength > length || nwrittenPtr < 0 || nwrittenPtr + 4L > length) return ErrnoFault;
        long total = 0;
        for (int i = 0; i < iovsLength; i++)
        {
            long ptr = (uint)memory.ReadInt32(iovs + 8L * i), size = (uint)memory.ReadInt32(iovs + 8L * i + 4);
            if (ptr + size > length) return i == 0 ? ErrnoFault : Written(memory, nwrittenPtr, total);
            if (total + size > int.MaxValue) break; // a partial write (nwritten is 32-bit), as POSIX allows
            if (size > 0) Write(memory.GetSpan((int)ptr, (int)size));
            total += size;
        }
        return Written(memory, nwrittenPtr, total);

        static int Written(Memory memory, int at, long count)
        {
            memory.WriteInt32(at, (int)count);
            return 0;
        }
    }

    public string Text() => _length == 0 ? "" : Encoding.UTF8.GetString(_buffer, 0, _length);
}
