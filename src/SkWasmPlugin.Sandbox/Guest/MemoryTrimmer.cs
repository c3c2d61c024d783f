using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Gives memory freed by dropped interpreters back to the system. Dropping a session's interpreter unmaps its
/// linear memory at once, but the checkpoints and buffers it used stay committed by the GC, and Wasmtime's
/// per-store allocations stay in the C allocator's arenas, for minutes or for good. Once at least
/// <see cref="Threshold"/> of guest memory has been released, shortly after the last release of the burst
/// (<see cref="Delay"/>) and at most once per <see cref="MinInterval"/>, this runs one compacting collection
/// that decommits free GC memory and, with glibc, <c>malloc_trim</c>. A blocking full collection costs the
/// host a pause, hence the threshold: dropping a session now and then never triggers one.
/// </summary>
/// <remarks>
/// Both act on the whole process, not only on the sandbox's memory, so a library must not do them unasked: they run
/// only where the host opts in with <see cref="SessionManagerOptions.TrimMemoryAfterRelease"/>.
/// </remarks>
internal sealed partial class MemoryTrimmer : IDisposable
{
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(2);
    public const long Threshold = 64L * 1024 * 1024;

    private long _released;

    private readonly Timer _timer;
    private readonly Lock _gate = new();
    private long _lastTrim = Stopwatch.GetTimestamp() - MinInterval.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
    private static bool s_mallocTrim = OperatingSystem.IsLinux();

    /// <summary>Trims done so far (for tests and diagnostics).</summary>
    public int Trims { get; private set; }

    public MemoryTrimmer() => _timer = new Timer(_ => Trim(), null, Timeout.Infinite, Timeout.Infinite);

    /// <summary>
    /// Counts <paramref name="bytes"/> of guest memory released; past the threshold, schedules a trim
    /// <see cref="Delay"/> from now (moving a pending one), no sooner than <see cref="MinInterval"/> after the last.
    /// </summary>
    public void Request(long bytes)
    {
        lock (_gate)
        {
            _released += bytes;
            if (_released < Threshold) return;
            var sinceLast = Stopwatch.GetElapsedTime(_lastTrim);
            var due = sinceLast + Delay < MinInterval ? MinInterval - sinceLast : Delay;
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void Trim()
    {
        lock (_gate)
        {
            _lastTrim = Stopwatch.GetTimestamp();
            _released = 0;
        }
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (s_mallocTrim)
        {
            try
            {
                MallocTrim(0);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                s_mallocTrim = false; // not glibc (musl, for one): nothing to trim there
            }
        }
        Trims++;
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    public void Dispose() => _timer.Dispose();
}
