using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans.Tests;

/// <summary>
/// One silo's view of the shared store. The test cluster runs every silo in this process, so a "killed" silo's objects
/// live on; <see cref="Crash"/> makes it behave as a dead process does: it writes nothing more and its locks are gone.
/// </summary>
internal sealed class CrashableStorage(IWorkspaceStorage inner) : IWorkspaceStorage
{
    private readonly List<IAsyncDisposable> _locks = [];
    private volatile bool _dead;

    public async Task Crash()
    {
        _dead = true;
        IAsyncDisposable[] held;
        lock (_locks) held = [.. _locks];
        foreach (var hold in held) await hold.DisposeAsync();
    }

    private void Alive()
    {
        if (_dead) throw new IOException("this silo's process is gone");
    }

    public async Task<IAsyncDisposable?> TryLockSessionAsync(string sessionId, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        Alive();
        var hold = await inner.TryLockSessionAsync(sessionId, wait, cancellationToken);
        if (hold is null) return null;
        lock (_locks) _locks.Add(hold);
        return new Release(this, hold);
    }

    public Task<string> OpenWorkspaceAsync(string sessionId, CancellationToken cancellationToken = default) => inner.OpenWorkspaceAsync(sessionId, cancellationToken);

    public Task SyncWorkspaceAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        Alive();
        return inner.SyncWorkspaceAsync(sessionId, cancellationToken);
    }

    public Task SaveRecordAsync(SessionRecord record, CancellationToken cancellationToken = default)
    {
        Alive();
        return inner.SaveRecordAsync(record, cancellationToken);
    }

    public Task<SessionRecord?> LoadRecordAsync(string sessionId, CancellationToken cancellationToken = default) => inner.LoadRecordAsync(sessionId, cancellationToken);

    public Task<IReadOnlyList<string>> ListSessionIdsAsync(CancellationToken cancellationToken = default) => inner.ListSessionIdsAsync(cancellationToken);

    public Task SaveStateAsync(string sessionId, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Alive();
        return inner.SaveStateAsync(sessionId, name, data, cancellationToken);
    }

    public Task<byte[]?> LoadStateAsync(string sessionId, string name, CancellationToken cancellationToken = default) => inner.LoadStateAsync(sessionId, name, cancellationToken);

    public Task DeleteStateAsync(string sessionId, string name, CancellationToken cancellationToken = default)
    {
        Alive();
        return inner.DeleteStateAsync(sessionId, name, cancellationToken);
    }

    public Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        Alive();
        return inner.DeleteSessionAsync(sessionId, cancellationToken);
    }

    private sealed class Release(CrashableStorage owner, IAsyncDisposable hold) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (owner._locks) owner._locks.Remove(hold);
            return hold.DisposeAsync();
        }
    }
}
