namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// An OS file lock on <c>ENTRY.lock</c> beside a cache entry, so that processes starting cold together build the
/// entry once: the first compiles and writes it (atomically), the others wait here and then read it. The lock ends
/// with its holder, even a crashed one, as the session lock in <see cref="LocalWorkspaceStorage"/> does.
/// </summary>
internal static class CacheLock
{
    /// <summary>How long a process waits for another to build an entry before building it itself (longer than a cold Python compile takes under load).</summary>
    internal static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(2);

    /// <summary>The lock, or null when it could not be had in <paramref name="wait"/> (or the folder is not writable): build without it then.</summary>
    public static FileStream? TryAcquire(string entryPath, TimeSpan wait)
    {
        string path = entryPath + ".lock";
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(25); // a synchronous wait: runtimes start on a pool thread, and only once per process
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
