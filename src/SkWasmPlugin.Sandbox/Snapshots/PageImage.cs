namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// A linear-memory image stored as the 4 KiB pages that differ from a base image, plus the memory length
/// and the stack pointer. Restoring writes only those pages, which is what makes a fresh interpreter
/// from a snapshot cost milliseconds rather than a full start-up.
/// </summary>
/// <remarks>
/// Without <see cref="Base"/> the pages are relative to a fresh module instance (its data segments), which
/// is the same in every process: the stored form. With a <see cref="Base"/> (a session checkpoint kept in
/// memory, relative to the started interpreter) restoring writes the base first; such an image holds only
/// what the session's own code changed, typically a few hundred KiB instead of a copy of the start-up image.
/// </remarks>
internal sealed record PageImage
{
    public const int PageSize = 4096;

    public required long MemoryLength { get; init; }
    public required int StackPointer { get; init; }
    public required int[] Pages { get; init; }
    public required byte[] Data { get; init; }

    /// <summary>
    /// Host descriptors the interpreter had opened when the image was captured (kept in memory only, not
    /// stored): an in-place restore closes the ones opened after it, which the restored memory knows nothing of.
    /// </summary>
    public int[] OpenFiles { get; init; } = [];

    /// <summary>The image these pages are relative to, or null when they are relative to a fresh instance.</summary>
    public PageImage? Base { get; init; }

    /// <summary>Bytes this image holds (its base not counted: that is shared).</summary>
    public long SizeBytes => Data.LongLength + Pages.LongLength * sizeof(int);

    /// <summary>
    /// The pages of <paramref name="memory"/> that differ from <paramref name="baseline"/> (missing baseline
    /// bytes count as zero); <paramref name="baseImage"/> is the image <paramref name="baseline"/> is the
    /// memory of (null: a fresh instance).
    /// </summary>
    /// <remarks>
    /// <paramref name="touched"/> (from <see cref="TouchedPages"/>) marks the pages that may have been written
    /// since the memory was a fresh instance; the others still hold the fresh content and are not read, so
    /// they differ from the baseline only where <paramref name="baseImage"/> changed them.
    /// </remarks>
    public static PageImage Diff(ReadOnlySpan<byte> memory, ReadOnlySpan<byte> baseline, int stackPointer, PageImage? baseImage = null, bool[]? touched = null)
    {
        var pages = new List<int>();
        int pageCount = (int)((memory.Length + PageSize - 1) / PageSize);
        var changedByBase = touched is null || baseImage is null ? null : baseImage.PageContents();
        for (int p = 0; p < pageCount; p++)
        {
            if (touched is not null && p < touched.Length && !touched[p] && (changedByBase is null || !changedByBase.ContainsKey(p)))
                continue;
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
        return new PageImage { MemoryLength = memory.Length, StackPointer = stackPointer, Pages = [.. pages], Data = data, Base = baseImage };
    }

    /// <summary>Every page the layers write, with its content from the topmost layer that holds it.</summary>
    public Dictionary<int, ReadOnlyMemory<byte>> PageContents()
    {
        var top = new Dictionary<int, ReadOnlyMemory<byte>>();
        void Add(PageImage layer)
        {
            if (layer.Base is { } below) Add(below);
            for (int i = 0; i < layer.Pages.Length; i++) top[layer.Pages[i]] = layer.Data.AsMemory(i * PageSize, PageSize);
        }
        Add(this);
        return top;
    }

    /// <summary><see cref="PageContents"/> by page number: an array a page's lookup is an index into (empty where no layer holds the page).</summary>
    public ReadOnlyMemory<byte>[] PageSources()
    {
        var byPage = new ReadOnlyMemory<byte>[checked((int)((MemoryLength + PageSize - 1) / PageSize))];
        foreach (var (page, content) in PageContents())
            if (page < byPage.Length) byPage[page] = content;
        return byPage;
    }

    /// <summary><see cref="PageContents"/>, ascending.</summary>
    private (int[] Pages, ReadOnlyMemory<byte>[] Sources) Merge()
    {
        var top = PageContents();
        int[] pages = [.. top.Keys.Order()];
        return (pages, [.. pages.Select(p => top[p])]);
    }

    /// <summary>
    /// Writes the base's pages, then these, into <paramref name="memory"/>, which must already be
    /// <see cref="MemoryLength"/> long; with <paramref name="populate"/> (a memory none of whose pages are present
    /// yet) each run of pages is faulted in with one call first.
    /// </summary>
    public void ApplyTo(Span<byte> memory, bool populate = false)
    {
        Base?.ApplyTo(memory, populate);
        for (int i = 0; i < Pages.Length;)
        {
            // One run of consecutive pages: populated in one call, then copied in one block.
            int first = i;
            while (i + 1 < Pages.Length && Pages[i + 1] == Pages[i] + 1) i++;
            i++;
            int start = Pages[first] * PageSize;
            int length = (int)Math.Min((long)(i - first) * PageSize, memory.Length - start);
            if (populate) PagePopulator.PopulateForWrite(memory, start, length);
            Data.AsSpan(first * PageSize, length).CopyTo(memory.Slice(start, length));
        }
    }

    private static bool IsZero(ReadOnlySpan<byte> span) => !span.ContainsAnyExcept((byte)0);

    /// <summary>Writes the stored form: relative to a fresh instance, the base's pages merged in.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        var (pages, sources) = Base is null ? (Pages, null) : Merge();
        writer.Write(MemoryLength);
        writer.Write(StackPointer);
        writer.Write(pages.Length);
        foreach (int p in pages) writer.Write(p);
        if (sources is null) writer.Write(Data);
        else foreach (var page in sources) writer.Write(page.Span);
    }

    /// <summary>
    /// Reads an image written by <see cref="WriteTo"/>; lengths are checked before anything is allocated, so a
    /// crafted header cannot make the host allocate more than <paramref name="maxMemoryBytes"/> (the largest
    /// memory a guest may have); a stream that ends early is reported as truncated.
    /// </summary>
    public static PageImage ReadFrom(BinaryReader reader, long maxMemoryBytes)
    {
        long length = reader.ReadInt64();
        int sp = reader.ReadInt32();
        int count = reader.ReadInt32();
        long limit = Math.Min(maxMemoryBytes, int.MaxValue - PageSize);
        if (length < 0 || length > limit || count < 0 || count > (length + PageSize - 1) / PageSize || sp < 0 || sp > length)
            throw new InvalidDataException($"The memory image header is out of range (memory {length:N0} bytes, {count:N0} pages; at most {limit:N0} bytes).");
        var pages = new int[count];
        for (int i = 0; i < count; i++)
        {
            pages[i] = reader.ReadInt32();
            if (pages[i] < 0 || (long)pages[i] * PageSize >= length)
                throw new InvalidDataException("A memory image page lies outside the memory.");
        }
        var whole = new byte[(long)count * PageSize];
        const int chunk = 256 * PageSize;
        for (long at = 0; at < whole.Length; at += chunk)
        {
            int size = (int)Math.Min(chunk, whole.Length - at);
            if (reader.BaseStream.ReadAtLeast(whole.AsSpan((int)at, size), size, throwOnEndOfStream: false) != size)
                throw new InvalidDataException("The memory image is truncated.");
        }
        return new PageImage { MemoryLength = length, StackPointer = sp, Pages = pages, Data = whole };
    }
}
