namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// A linear-memory image stored as the 4 KiB pages that differ from a base image, plus the memory length
/// and the stack pointer. Restoring writes only those pages, which is what makes a fresh interpreter
/// from a snapshot cost milliseconds rather than a full start-up.
/// </summary>
internal sealed class PageImage
{
    public const int PageSize = 4096;

    public required long MemoryLength { get; init; }
    public required int StackPointer { get; init; }
    public required int[] Pages { get; init; }
    public required byte[] Data { get; init; }

    /// <summary>Bytes this image holds.</summary>
    public long SizeBytes => Data.LongLength + Pages.LongLength * sizeof(int);

    /// <summary>The pages of <paramref name="memory"/> that differ from <paramref name="baseline"/> (missing baseline bytes count as zero).</summary>
    public static PageImage Diff(ReadOnlySpan<byte> memory, ReadOnlySpan<byte> baseline, int stackPointer)
    {
        var pages = new List<int>();
        int pageCount = (int)((memory.Length + PageSize - 1) / PageSize);
        for (int p = 0; p < pageCount; p++)
        {
            int start = p * PageSize;
            var page = memory.Slice(start, Math.Min(PageSize, memory.Length - start));
            bool same = start + page.Length <= baseline.Length
                ? page.SequenceEqual(baseline.Slice(start, page.Length))
                : IsZero(page) && start >= baseline.Length;
            if (!same) pages.Add(p);
        }
        var data = new byte[pages.Count * PageSize];
        for (int i = 0; i < pages.Count; i++)
        {
            int start = pages[i] * PageSize;
            memory.Slice(start, Math.Min(PageSize, memory.Length - start)).CopyTo(data.AsSpan(i * PageSize));
        }
        return new PageImage { MemoryLength = memory.Length, StackPointer = stackPointer, Pages = [.. pages], Data = data };
    }

    /// <summary>Writes the pages into <paramref name="memory"/>, which must already be <see cref="MemoryLength"/> long.</summary>
    public void ApplyTo(Span<byte> memory)
    {
        for (int i = 0; i < Pages.Length; i++)
        {
            int start = Pages[i] * PageSize;
            int length = Math.Min(PageSize, memory.Length - start);
            Data.AsSpan(i * PageSize, length).CopyTo(memory.Slice(start, length));
        }
    }

    private static bool IsZero(ReadOnlySpan<byte> span) => !span.ContainsAnyExcept((byte)0);

    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(MemoryLength);
        writer.Write(StackPointer);
        writer.Write(Pages.Length);
        foreach (int p in Pages) writer.Write(p);
        writer.Write(Data);
    }

    public static PageImage ReadFrom(BinaryReader reader)
    {
        long length = reader.ReadInt64();
        int sp = reader.ReadInt32();
        int count = reader.ReadInt32();
        if (length < 0 || length > 4L * 1024 * 1024 * 1024 || count < 0 || count > length / PageSize + 1)
            throw new InvalidDataException("The memory image header is out of range.");
        var pages = new int[count];
        for (int i = 0; i < count; i++)
        {
            pages[i] = reader.ReadInt32();
            if (pages[i] < 0 || (long)pages[i] * PageSize >= length)
                throw new InvalidDataException("A memory image page lies outside the memory.");
        }
        byte[] data = reader.ReadBytes(count * PageSize);
        if (data.Length != count * PageSize) throw new InvalidDataException("The memory image is truncated.");
        return new PageImage { MemoryLength = length, StackPointer = sp, Pages = pages, Data = data };
    }
}
