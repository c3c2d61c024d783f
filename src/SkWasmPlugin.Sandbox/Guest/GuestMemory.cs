using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// An interpreter's linear memory and stack pointer, the whole of its state that images hold: captured as the pages
/// that differ from a baseline, written over a fresh instance, or restored in place after a trap.
/// </summary>
/// <remarks>
/// <c>untouched</c>: a memory of its own (not a pool slot) that nothing has written yet. None of its pages are present,
/// so the first image is faulted in by runs (<see cref="PagePopulator"/>). A pool slot keeps its pages resident between
/// instances, and there populating first made fresh calls slower (bench/RESULTS.md).
/// </remarks>
internal sealed class GuestMemory(Memory memory, Global stackPointer, bool untouched)
{
    private bool _untouched = untouched;

    public long Length => memory.GetLength();

    /// <summary>The whole linear memory, read in place (valid until the memory grows or the instance is dropped).</summary>
    public Span<byte> Span => memory.GetSpan(0, checked((int)memory.GetLength()));

    /// <summary>
    /// The pages that differ from <paramref name="baseline"/>, the memory of <paramref name="baseImage"/> (null: of a
    /// fresh instance), with the host descriptors the interpreter holds open.
    /// </summary>
    public PageImage Capture(ReadOnlySpan<byte> baseline, PageImage? baseImage, IReadOnlyCollection<int> openFiles)
    {
        var current = Span;
        var image = PageImage.Diff(current, baseline, (int)stackPointer.GetValue()!, baseImage, TouchedPages.Of(current));
        return openFiles.Count == 0 ? image : image with { OpenFiles = [.. openFiles] };
    }

    /// <summary>
    /// Puts the memory back into the state <paramref name="image"/> describes, in place: each page that may have
    /// changed since (present or swapped, per <see cref="TouchedPages"/>) is compared with its content in the image,
    /// or in <paramref name="started"/> (a started interpreter's memory, the image's base) for pages the image does
    /// not hold, and written back where it differs; then the stack pointer. Returns false, changing nothing, when it
    /// cannot be done exactly: the memory grew (the allocator would not know the new end), or the kernel does not say
    /// which pages were touched.
    /// </summary>
    /// <remarks><paramref name="sources"/>: the image's <see cref="PageImage.PageSources"/>, when the caller keeps them (null: made here).</remarks>
    public bool TryRestoreInPlace(PageImage image, ReadOnlySpan<byte> started, ReadOnlyMemory<byte>[]? sources = null)
    {
        long length = memory.GetLength();
        if (length != image.MemoryLength || length < started.Length) return false;
        var current = Span;
        if (TouchedPages.Of(current) is not { } touched) return false;
        sources ??= image.PageSources();
        for (int p = 0; p < touched.Length; p++)
        {
            var own = p < sources.Length ? sources[p] : default;
            bool held = !own.IsEmpty;
            if (!touched[p] && !held) continue; // untouched: still the fresh content, as in the started memory
            int start = p * PageImage.PageSize;
            int size = Math.Min(PageImage.PageSize, current.Length - start);
            var target = held ? own.Span[..size]
                : start + size <= started.Length ? started.Slice(start, size)
                : default;
            var page = current.Slice(start, size);
            if (target.IsEmpty)
            {
                if (page.ContainsAnyExcept((byte)0)) page.Clear();
            }
            else if (!page.SequenceEqual(target))
            {
                target.CopyTo(page);
            }
        }
        stackPointer.SetValue(image.StackPointer);
        return true;
    }

    /// <summary>Writes an image over a fresh instance's memory: grows it to the image's length, then writes its pages.</summary>
    public void Apply(PageImage image)
    {
        long length = memory.GetLength();
        if (image.MemoryLength > length)
            memory.Grow((image.MemoryLength - length + Memory.PageSize - 1) / Memory.PageSize);
        image.ApplyTo(Span, populate: _untouched);
        _untouched = false;
        stackPointer.SetValue(image.StackPointer);
    }
}
