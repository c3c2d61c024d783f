using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>The start-up image's stored form: read back as written, and anything else ignored.</summary>
public sealed class StartedImageCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("skwasm-started-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CachedStartup Sample(int planEntries)
    {
        var memory = new byte[3 * PageImage.PageSize];
        memory[PageImage.PageSize + 7] = 42;
        var image = PageImage.Diff(memory, new byte[memory.Length], stackPointer: 1234);
        return new CachedStartup(image, [.. Enumerable.Range(1, planEntries).Select(i => (i * 8, i))], Fuel: 5_000);
    }

    [Fact]
    public void An_image_reads_back_as_it_was_written()
    {
        string path = Path.Combine(_dir, "python-x.started");
        var written = Sample(planEntries: 3);
        StartedImageCache.TryWrite(path, written);

        var read = StartedImageCache.TryRead(path, maxMemoryBytes: 1L << 30);

        Assert.NotNull(read);
        Assert.Equal(written.Fuel, read.Fuel);
        Assert.Equal(written.Plan, read.Plan);
        Assert.Equal(written.Image.StackPointer, read.Image.StackPointer);
        Assert.Equal(written.Image.Pages, read.Image.Pages);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void A_foreign_or_oversized_file_is_ignored()
    {
        string foreign = Path.Combine(_dir, "foreign.started");
        File.WriteAllText(foreign, "not an image");
        Assert.Null(StartedImageCache.TryRead(foreign, 1L << 30));

        string tooLong = Path.Combine(_dir, "plan.started");
        StartedImageCache.TryWrite(tooLong, Sample(planEntries: SoftStopController.MaxPlanEntries + 1));
        Assert.Null(StartedImageCache.TryRead(tooLong, 1L << 30));

        Assert.Null(StartedImageCache.TryRead(Path.Combine(_dir, "missing.started"), 1L << 30));
    }
}
