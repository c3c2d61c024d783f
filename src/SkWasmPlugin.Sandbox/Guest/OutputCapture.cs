using System.Text;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Collects one stream of guest output up to a cap. Past the cap the bytes are counted and dropped, so a
/// guest printing gigabytes costs the host no more than the cap.
/// </summary>
internal sealed class OutputCapture
{
    private byte[] _buffer = new byte[4096];
    private int _length;
    private int _cap = int.MaxValue;

    /// <summary>Bytes the guest wrote in all, kept or not.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>True once the guest wrote more than the cap.</summary>
    public bool Overflowed { get; private set; }

    public void Reset(int cap)
    {
        _cap = cap;
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
        if (_length + data.Length > _buffer.Length)
            Array.Resize(ref _buffer, (int)Math.Min(Math.Max((long)_buffer.Length * 2, _length + data.Length), _cap));
        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }

    public string Text() => _length == 0 ? "" : Encoding.UTF8.GetString(_buffer, 0, _length);
}
