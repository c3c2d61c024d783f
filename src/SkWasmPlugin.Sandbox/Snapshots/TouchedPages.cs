using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Which pages of a guest's linear memory the process has ever touched, read from Linux's
/// <c>/proc/self/pagemap</c> (present or swapped). A page never touched still holds what a fresh instance
/// held there (the module's data or zeros), so a checkpoint need not read it; reading it would make the
/// kernel back it with memory (megabytes per idle session), and comparing all of it would be most of a
/// checkpoint's cost.
/// </summary>
internal static class TouchedPages
{
    private const ulong Present = 1UL << 63;
    private const ulong Swapped = 1UL << 62;

    private static readonly Lazy<SafeFileHandle?> PageMap = new(Open);

    private static SafeFileHandle? Open()
    {
        if (!OperatingSystem.IsLinux()) return null;
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle("/proc/self/pagemap", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
        // Skipping a page is only safe if a written page is always reported: check that on a page we write
        // (a kernel or sandbox that reports nothing, e.g. a pagemap of zeros, turns this off).
        if (ReportsWrittenPage(handle)) return handle;
        handle.Dispose();
        return null;
    }

    private static unsafe bool ReportsWrittenPage(SafeFileHandle handle)
    {
        int hostPage = Environment.SystemPageSize;
        if (hostPage <= 0) return false;
        byte* block = (byte*)NativeMemory.AlignedAlloc((nuint)hostPage, (nuint)hostPage);
        try
        {
            System.Threading.Volatile.Write(ref block[0], 1);
            ulong entry = 0;
            var bytes = MemoryMarshal.AsBytes(new Span<ulong>(ref entry));
            return RandomAccess.Read(handle, bytes, (long)((ulong)block / (ulong)hostPage * sizeof(ulong))) == sizeof(ulong)
                && (entry & (Present | Swapped)) != 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            NativeMemory.AlignedFree(block);
        }
    }

    /// <summary>
    /// For each <see cref="PageImage.PageSize"/> page of <paramref name="memory"/>, whether it may have been
    /// touched; null when the kernel does not tell (then every page must be compared).
    /// </summary>
    public static bool[]? Of(ReadOnlySpan<byte> memory)
    {
        if (PageMap.Value is not { } handle || memory.IsEmpty) return null;
        int hostPage = Environment.SystemPageSize;
        if (hostPage <= 0 || (hostPage % PageImage.PageSize != 0 && PageImage.PageSize % hostPage != 0)) return null;
        ulong start = Address(memory);
        ulong first = start / (ulong)hostPage;
        ulong last = (start + (ulong)memory.Length - 1) / (ulong)hostPage;
        var entries = new ulong[checked((int)(last - first + 1))];
        try
        {
            var bytes = MemoryMarshal.AsBytes(entries.AsSpan());
            int read = 0;
            while (read < bytes.Length)
            {
                int n = RandomAccess.Read(handle, bytes[read..], (long)(first * sizeof(ulong)) + read);
                if (n <= 0) return null;
                read += n;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        int pages = (memory.Length + PageImage.PageSize - 1) / PageImage.PageSize;
        var touched = new bool[pages];
        for (int p = 0; p < pages; p++)
        {
            ulong from = (start + (ulong)p * PageImage.PageSize) / (ulong)hostPage - first;
            ulong to = (start + (ulong)Math.Min((long)(p + 1) * PageImage.PageSize, memory.Length) - 1) / (ulong)hostPage - first;
            for (ulong h = from; h <= to && !touched[p]; h++)
                touched[p] = (entries[h] & (Present | Swapped)) != 0;
        }
        return touched;
    }

    private static unsafe ulong Address(ReadOnlySpan<byte> memory) =>
        (ulong)Unsafe.AsPointer(ref MemoryMarshal.GetReference(memory));
}
