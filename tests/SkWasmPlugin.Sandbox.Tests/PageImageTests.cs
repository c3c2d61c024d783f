using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>Session checkpoints are kept relative to the started interpreter and stored relative to a fresh instance.</summary>
public sealed class PageImageTests
{
    private const int Page = PageImage.PageSize;

    private static byte[] Memory(int pages, int seed, params int[] changed)
    {
        var memory = new byte[pages * Page];
        new Random(1).NextBytes(memory.AsSpan(0, pages * Page / 2)); // the "data segments"
        var random = new Random(seed);
        foreach (int p in changed) random.NextBytes(memory.AsSpan(p * Page, Page));
        return memory;
    }

    private static byte[] Restore(byte[] fresh, PageImage image)
    {
        var memory = new byte[image.MemoryLength];
        fresh.CopyTo(memory, 0);
        image.ApplyTo(memory);
        return memory;
    }

    [Fact]
    public void Layered_checkpoint_holds_only_what_changed_after_start_and_flattens_to_the_same_state()
    {
        byte[] fresh = Memory(16, 0);
        byte[] started = Memory(16, 2, 1, 3, 9, 12);
        var startedImage = PageImage.Diff(started, fresh, 100);
        Assert.Equal([1, 3, 9, 12], startedImage.Pages);

        // The session changed page 3 again, wrote page 5, put page 9 back to its fresh content and grew by two pages.
        byte[] live = new byte[18 * Page];
        started.CopyTo(live, 0);
        new Random(7).NextBytes(live.AsSpan(3 * Page, Page));
        new Random(8).NextBytes(live.AsSpan(5 * Page, Page));
        fresh.AsSpan(9 * Page, Page).CopyTo(live.AsSpan(9 * Page));
        live[17 * Page + 5] = 42;

        var checkpoint = PageImage.Diff(live, started, 200, startedImage);
        Assert.Equal([3, 5, 9, 17], checkpoint.Pages);
        Assert.Same(startedImage, checkpoint.Base);
        Assert.Equal(live, Restore(fresh, checkpoint));

        // The stored form is relative to a fresh instance: the started image's pages merged in, these winning.
        var stored = RoundTrip(checkpoint);
        Assert.Null(stored.Base);
        Assert.Equal([1, 3, 5, 9, 12, 17], stored.Pages);
        Assert.Equal(200, stored.StackPointer);
        Assert.Equal(live, Restore(fresh, stored));
    }

    private static PageImage RoundTrip(PageImage image)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) image.WriteTo(writer);
        buffer.Position = 0;
        return PageImage.ReadFrom(new BinaryReader(buffer), 1L << 30);
    }

    [Fact]
    public void Image_without_a_base_is_stored_as_it_is()
    {
        byte[] fresh = Memory(4, 0);
        var image = PageImage.Diff(Memory(4, 3, 2), fresh, 1);
        var stored = RoundTrip(image);
        Assert.Equal(image.Pages, stored.Pages);
        Assert.Equal(image.Data, stored.Data);
    }

    [Fact]
    public void Untouched_pages_are_not_read_unless_the_base_changed_them()
    {
        byte[] fresh = Memory(8, 0);
        byte[] started = Memory(8, 2, 1, 6);
        var startedImage = PageImage.Diff(started, fresh, 1);
        byte[] live = (byte[])started.Clone();
        new Random(5).NextBytes(live.AsSpan(2 * Page, Page));
        new Random(6).NextBytes(live.AsSpan(7 * Page, Page)); // changed, but reported untouched: must be skipped
        var touched = new bool[8];
        touched[2] = true; // page 1 and 6 are untouched but written by the base: still compared (equal, so not taken)
        var checkpoint = PageImage.Diff(live, started, 1, startedImage, touched);
        Assert.Equal([2], checkpoint.Pages);
    }

    [Fact]
    public unsafe void Pagemap_tells_touched_from_untouched_pages()
    {
        if (!OperatingSystem.IsLinux()) return;
        const int size = 4 << 20;
        byte* block = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(size, Page);
        try
        {
            var span = new Span<byte>(block, size);
            span[3 * Page + 17] = 1;
            var touched = TouchedPages.Of(span);
            Assert.NotNull(touched);
            Assert.Equal(size / Page, touched.Length);
            Assert.True(touched[3]);
            Assert.False(touched[700]); // a large allocation is a fresh mapping: untouched pages are not present
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.AlignedFree(block);
        }
    }

    [Fact]
    public unsafe void Populating_runs_of_pages_first_writes_the_same_memory_as_copying_alone()
    {
        // Runs of 1, 3 and 2 pages, a layer on top that rewrites one page of a run and adds another.
        byte[] fresh = Memory(24, 0);
        byte[] started = Memory(24, 2, 1, 4, 5, 6, 20, 21);
        var startedImage = PageImage.Diff(started, fresh, 100);
        byte[] live = (byte[])started.Clone();
        new Random(7).NextBytes(live.AsSpan(5 * Page, Page));
        new Random(8).NextBytes(live.AsSpan(10 * Page, Page));
        var layered = PageImage.Diff(live, started, 200, startedImage);

        byte[] expected = Restore(fresh, layered);
        int bytes = 24 * Page;
        byte* block = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)bytes, Page);
        try
        {
            var memory = new Span<byte>(block, bytes);
            fresh.CopyTo(memory);
            layered.ApplyTo(memory, populate: true);
            Assert.True(memory.SequenceEqual(expected));
            // Not page-aligned: skipped, and the copy is still whole.
            var shifted = new Span<byte>(block + 8, bytes - 8);
            shifted.Clear();
            startedImage.ApplyTo(shifted[..(23 * Page)], populate: true);
            Assert.True(shifted.Slice(Page, Page).SequenceEqual(started.AsSpan(Page, Page)));
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.AlignedFree(block);
        }
    }
}
