using System.Runtime.InteropServices;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Faults a run of guest pages in for writing with one <c>madvise(MADV_POPULATE_WRITE)</c> call before a
/// snapshot is copied over them, instead of one page fault per 4 KiB page during the copy. Page faults are dear
/// on virtual machines (each one an exit to the hypervisor's paging code), and a fresh interpreter's pages come in
/// a few long runs, so one call per run replaces hundreds of faults. Linux 5.14 and later; elsewhere, or if the call is refused, the copy faults pages in as before.
/// </summary>
internal static unsafe partial class PagePopulator
{
    private const int MadvPopulateWrite = 23;
    private const int EInval = 22;

    private static bool s_supported = OperatingSystem.IsLinux();

    /// <summary>Makes <paramref name="length"/> bytes of <paramref name="memory"/> at <paramref name="start"/> (page-aligned) present and writable.</summary>
    public static void PopulateForWrite(Span<byte> memory, int start, int length)
    {
        if (!s_supported || length <= 0) return;
        fixed (byte* p = memory)
        {
            if (((nuint)(p + start) & (PageImage.PageSize - 1)) != 0) return; // guest memories are page-aligned; anything else is copied as is
            try
            {
                if (MAdvise(p + start, (nuint)length, MadvPopulateWrite) != 0 && Marshal.GetLastPInvokeError() == EInval)
                    s_supported = false; // a kernel older than 5.14
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                s_supported = false;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int MAdvise(void* address, nuint length, int advice);
}
