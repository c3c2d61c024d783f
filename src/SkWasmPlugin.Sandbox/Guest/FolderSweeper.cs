using System.Collections.Concurrent;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Deletes used workspace folders of stateless calls after their result, on a pool thread, instead of inside
/// the call: removing even an empty folder costs many times what creating it does, a noticeable part of a fresh
/// call (bench/RESULTS.md). Each folder has a new random name and is never handed out again, so deleting it later
/// changes nothing any other call can see.
/// </summary>
internal sealed class FolderSweeper : IDisposable
{
    private readonly ConcurrentQueue<string> _pending = new();
    private int _scheduled;
    private int _disposed;

    /// <summary>Deletes <paramref name="path"/> and what is in it, soon; at once once the sweeper is disposed.</summary>
    public void Delete(string path)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            GuestRuntime.TryDeleteDirectory(path);
            return;
        }
        _pending.Enqueue(path);
        // One sweep at a time: a burst of calls queues folders for the sweep already scheduled.
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static sweeper => sweeper.Sweep(), this, preferLocal: false);
    }

    private void Sweep()
    {
        do
        {
            while (_pending.TryDequeue(out string? path)) GuestRuntime.TryDeleteDirectory(path);
            Volatile.Write(ref _scheduled, 0);
            // A folder queued after the last dequeue but before the flag was cleared found a sweep "scheduled":
            // take it here unless a new sweep has claimed it meanwhile.
        }
        while (!_pending.IsEmpty && Interlocked.Exchange(ref _scheduled, 1) == 0);
    }

    /// <summary>Deletes what is still queued, on this thread.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        while (_pending.TryDequeue(out string? path)) GuestRuntime.TryDeleteDirectory(path);
    }
}
