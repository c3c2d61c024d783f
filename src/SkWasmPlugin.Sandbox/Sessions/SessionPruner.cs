namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>Removes sessions from storage: unreadable ones, those idle past the TTL, and (when asked) the oldest above the cap.</summary>
internal sealed class SessionPruner(IWorkspaceStorage storage, SessionManagerOptions options, SessionRegistry registry,
    Func<string, CancellationToken, Task<bool>> destroy)
{
    /// <summary>
    /// Removes unreadable sessions and sessions idle past the TTL; with <paramref name="overflow"/> also the least
    /// recently used above <see cref="SessionManagerOptions.MaxSessions"/>, but only among sessions this process has
    /// not loaded: a session in use here is never removed to make room (creation is refused at the cap instead).
    /// </summary>
    public async Task<(List<string> Removed, int Seen)> PruneAsync(bool overflow, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        var all = new List<SessionRecord>();
        int seen = 0;
        foreach (string id in await storage.ListSessionIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            seen++;
            SessionRecord? record = registry.TryGet(id, out var live) ? live.Record : null;
            try
            {
                record ??= await storage.LoadRecordAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                record = null;
            }
            if (record is null)
            {
                await storage.DeleteSessionAsync(id, cancellationToken).ConfigureAwait(false);
                registry.Forget(id);
                removed.Add(id);
                continue;
            }
            all.Add(record);
        }
        var now = DateTimeOffset.UtcNow;
        var expired = all.Where(r => now - r.LastUsedAt > options.IdleTimeout).ToList();
        var excess = overflow
            ? all.Except(expired).OrderByDescending(r => r.LastUsedAt).Skip(options.MaxSessions).Where(r => !registry.IsLoaded(r.Id)).ToList()
            : [];
        foreach (var record in expired.Concat(excess))
        {
            if (registry.IsLoaded(record.Id)) await destroy(record.Id, cancellationToken).ConfigureAwait(false);
            else
            {
                // Not while another process runs it.
                if (await storage.TryLockSessionAsync(record.Id, TimeSpan.Zero, cancellationToken).ConfigureAwait(false) is not { } hold) continue;
                await using (hold.ConfigureAwait(false))
                    await storage.DeleteSessionAsync(record.Id, cancellationToken).ConfigureAwait(false);
            }
            registry.Forget(record.Id);
            removed.Add(record.Id);
        }
        return (removed, seen);
    }
}
