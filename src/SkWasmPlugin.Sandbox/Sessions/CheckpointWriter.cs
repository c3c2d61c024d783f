using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>
/// Takes checkpoints of live interpreters (the last good state a trap restores) and writes them behind the
/// calls: after a pause of <see cref="SessionManagerOptions.CheckpointDelay"/>, or every
/// <see cref="SessionManagerOptions.MaxCallsBetweenCheckpoints"/> calls. Writes of one session stay in order;
/// compressing and storing use at most half the cores of this writer.
/// </summary>
internal sealed class CheckpointWriter(RuntimeCatalog catalog, IWorkspaceStorage storage, SessionManagerOptions options, ILogger logger)
{
    private readonly ConcurrentDictionary<Task, byte> _background = new();

    /// <summary>Compressing and writing checkpoints may use at most half the cores, so calls never starve behind them.</summary>
    private readonly SemaphoreSlim _throttle = new(Math.Max(1, Environment.ProcessorCount / 2));

    public static string StateName(Language language) => language.Name() + ".ckpt";

    /// <summary>A call succeeded: the state is dirty; checkpoint now or after a pause (caller holds the gate).</summary>
    public void AfterCall(Session session, Language language, LanguageState state)
    {
        state.Dirty = true;
        state.CallsSinceCheckpoint++;
        if (options.CheckpointDelay == TimeSpan.Zero || state.CallsSinceCheckpoint >= options.MaxCallsBetweenCheckpoints)
            Checkpoint(session, language, state);
        else
            Schedule(session, language, state);
    }

    private void Schedule(Session session, Language language, LanguageState state)
    {
        if (state.CheckpointScheduled) return;
        state.CheckpointScheduled = true;
        Track(Task.Run(async () =>
        {
            var delay = options.CheckpointDelay;
            while (true)
            {
                await Task.Delay(delay).ConfigureAwait(false);
                await session.Gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    if (session.Destroyed || !state.Dirty || state.Live is null)
                    {
                        state.CheckpointScheduled = false;
                        return;
                    }
                    if (Stopwatch.GetElapsedTime(state.LastCallTimestamp) < delay) continue; // still busy: wait for a pause
                    state.CheckpointScheduled = false;
                    Checkpoint(session, language, state);
                    return;
                }
                finally
                {
                    session.Gate.Release();
                }
            }
        }));
    }

    private void Track(Task task)
    {
        _background[task] = 0;
        task.ContinueWith(t => _background.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Captures the live interpreter as the new last good state and persists it (caller holds the gate).</summary>
    public void Checkpoint(Session session, Language language, LanguageState state)
    {
        if (state.Live is null || !state.Dirty) return;
        var runtime = catalog.Get(language);
        state.Checkpoint = runtime.Capture(state.Live);
        state.CheckpointCall = session.Record.ExecutionCount;
        state.Dirty = false;
        state.CallsSinceCheckpoint = 0;
        if (!options.PersistCheckpoints) return;
        // Write-behind: compressing and storing happen off the call path, in order per session. Storage
        // writes are atomic, so a crash leaves the previous good checkpoint, never a torn one.
        var image = state.Checkpoint;
        long call = state.CheckpointCall;
        var record = session.Record;
        session.RecordDirty = false;
        lock (session)
        {
            session.Persisting = session.Persisting.ContinueWith(
                _ => PersistAsync(session.Id, language, image, call, record, runtime.BuildKey),
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            Track(session.Persisting);
        }
    }

    private async Task PersistAsync(string sessionId, Language language, PageImage image, long call, SessionRecord record, string buildKey)
    {
        await _throttle.WaitAsync().ConfigureAwait(false);
        try
        {
            using var data = CheckpointFormat.Write(image, buildKey, call);
            // Files first: a checkpoint never refers to workspace content the store does not have yet.
            await storage.SyncWorkspaceAsync(sessionId, CancellationToken.None).ConfigureAwait(false);
            await storage.SaveStateAsync(sessionId, StateName(language), data.GetBuffer().AsMemory(0, (int)data.Length), CancellationToken.None).ConfigureAwait(false);
            await storage.SaveRecordAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The in-memory checkpoint is good; the stored one stays at its previous good value.
            Log.SaveFailed(logger, sessionId, ex.Message);
        }
        finally
        {
            _throttle.Release();
        }
    }

    /// <summary>Waits until everything scheduled for storage so far is written.</summary>
    public static async Task WaitPersistedAsync(Session session)
    {
        Task pending;
        lock (session) pending = session.Persisting;
        await pending.ConfigureAwait(false);
    }

    public static async Task SaveRecordAsync(IWorkspaceStorage storage, Session session, CancellationToken cancellationToken)
    {
        await storage.SaveRecordAsync(session.Record, cancellationToken).ConfigureAwait(false);
        session.RecordDirty = false;
    }

    /// <summary>Completes when every scheduled checkpoint and write has finished.</summary>
    public Task DrainAsync() => Task.WhenAll(_background.Keys);
}
