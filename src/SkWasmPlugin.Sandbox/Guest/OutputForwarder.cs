using System.Text;
using System.Threading.Channels;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Carries a running guest's output to a streaming consumer, in order across both streams.
/// </summary>
/// <remarks>
/// The guest never waits for the consumer: it writes from inside a Wasmtime callback, where a wait would hold the
/// guest past its own time limit (the epoch deadline is not checked in host code). Chunks go into a bounded
/// channel; while it is full, further output is joined onto a backlog (one text buffer plus the stream and length
/// of each run, adjacent writes to one stream joined), which moves into the channel as the consumer reads. Nothing is
/// dropped, and only what the output caps let through arrives here (<see cref="OutputCapture"/> forwards the kept
/// bytes only), so a slow consumer costs at most about what the result holds anyway, and never more than a few
/// bytes per captured byte (a run is 8 bytes, even for output that alternates streams one byte at a time).
/// </remarks>
internal sealed class OutputForwarder
{
    /// <summary>Chunks the channel holds before output goes to the backlog.</summary>
    internal const int Capacity = 256;

    private readonly Channel<OutputChunk> _channel = Channel.CreateBounded<OutputChunk>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

    private readonly Decoder _stdoutDecoder = Encoding.UTF8.GetDecoder();
    private readonly Decoder _stderrDecoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _backlog = new();
    private readonly List<(OutputStream Stream, int Length)> _runs = [];
    private readonly Lock _lock = new();
    private bool _completed;

    /// <summary>Characters of stderr forwarded so far (the host may add a note after them; see the sandbox).</summary>
    public int StderrChars { get; private set; }

    /// <summary>Characters of stdout forwarded so far.</summary>
    public int StdoutChars { get; private set; }

    /// <summary>Bytes the guest wrote to <paramref name="stream"/> that its cap kept. Called on the guest's thread.</summary>
    public void Write(OutputStream stream, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        var decoder = stream == OutputStream.Stdout ? _stdoutDecoder : _stderrDecoder;
        lock (_lock)
        {
            if (_completed) return;
            Add(stream, Decode(decoder, data, flush: false));
        }
    }

    /// <summary>Ends the output (the call returned): what a decoder still holds (a cut-off character) goes last.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            if (_completed) return;
            Add(OutputStream.Stdout, Decode(_stdoutDecoder, [], flush: true));
            Add(OutputStream.Stderr, Decode(_stderrDecoder, [], flush: true));
            _completed = true;
            if (_runs.Count == 0) _channel.Writer.TryComplete();
        }
    }

    /// <summary>The chunks, as they come, until <see cref="Complete"/> and the backlog is read.</summary>
    public async IAsyncEnumerable<OutputChunk> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var chunk)) yield return chunk;
            // The channel is empty now: the backlog, if any, has room to move in. A write racing with this finds
            // either the backlog empty and room in the channel, or the channel full again, so the reader wakes.
            MoveBacklog();
        }
    }

    private static string Decode(Decoder decoder, ReadOnlySpan<byte> data, bool flush)
    {
        int count = decoder.GetCharCount(data, flush);
        // Even with nothing to show, the decoder must take the bytes (a partial character waits in it).
        Span<char> chars = count <= 1024 ? stackalloc char[count] : new char[count];
        int written = decoder.GetChars(data, chars, flush);
        return written == 0 ? "" : new string(chars[..written]);
    }

    private void Add(OutputStream stream, string text)
    {
        if (text.Length == 0) return;
        if (stream == OutputStream.Stdout) StdoutChars += text.Length;
        else StderrChars += text.Length;
        if (_runs.Count == 0 && _channel.Writer.TryWrite(new OutputChunk(stream, text))) return;
        _backlog.Append(text);
        if (_runs.Count > 0 && _runs[^1].Stream == stream) _runs[^1] = (stream, _runs[^1].Length + text.Length);
        else _runs.Add((stream, text.Length));
    }

    private void MoveBacklog()
    {
        lock (_lock)
        {
            int moved = 0, offset = 0;
            while (moved < _runs.Count)
            {
                var (stream, length) = _runs[moved];
                if (!_channel.Writer.TryWrite(new OutputChunk(stream, _backlog.ToString(offset, length)))) break;
                offset += length;
                moved++;
            }
            if (moved > 0)
            {
                _runs.RemoveRange(0, moved);
                _backlog.Remove(0, offset);
            }
            if (_completed && _runs.Count == 0) _channel.Writer.TryComplete();
        }
    }
}
