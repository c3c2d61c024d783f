using Microsoft.Extensions.Logging;

namespace SkWasmPlugin.Sandbox.Hosting;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Module {Name} loaded from cache {Path}")]
    public static partial void ModuleCacheHit(ILogger logger, string name, string path);

    [LoggerMessage(2, LogLevel.Warning, "Cached module {Path} could not be loaded ({Reason}); recompiling")]
    public static partial void ModuleCacheCorrupt(ILogger logger, string path, string reason);

    [LoggerMessage(3, LogLevel.Information, "Module {Name} compiled and cached at {Path}")]
    public static partial void ModuleCacheStored(ILogger logger, string name, string path);

    [LoggerMessage(4, LogLevel.Warning, "Could not write module cache {Path}: {Reason}")]
    public static partial void ModuleCacheWriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(5, LogLevel.Information, "Runtime {Language} ready in {Milliseconds} ms (init fuel {Fuel})")]
    public static partial void RuntimeReady(ILogger logger, string language, long milliseconds, long fuel);

    [LoggerMessage(6, LogLevel.Debug, "Executed {Language} in session {Session}: {Outcome} in {Milliseconds} ms, fuel {Fuel}")]
    public static partial void Executed(ILogger logger, string language, string session, ExecutionOutcome outcome, double milliseconds, long fuel);

    [LoggerMessage(7, LogLevel.Information, "Session {Session} restored to its last good checkpoint after {Outcome}")]
    public static partial void SessionRestored(ILogger logger, string session, ExecutionOutcome outcome);

    [LoggerMessage(8, LogLevel.Information, "Pruned {Count} sessions")]
    public static partial void Pruned(ILogger logger, int count);

    [LoggerMessage(9, LogLevel.Warning, "Saving session {Session} failed: {Reason}")]
    public static partial void SaveFailed(ILogger logger, string session, string reason);

    [LoggerMessage(11, LogLevel.Information, "Removed {Count} unused entries from the module cache {Path}")]
    public static partial void ModuleCachePruned(ILogger logger, int count, string path);

    [LoggerMessage(12, LogLevel.Warning, "Pruning the module cache {Path} failed: {Reason}")]
    public static partial void ModuleCachePruneFailed(ILogger logger, string path, string reason);

    [LoggerMessage(10, LogLevel.Warning, "Checkpoint of session {Session} could not be loaded ({Reason}); starting fresh")]
    public static partial void CheckpointUnreadable(ILogger logger, string session, string reason);

    [LoggerMessage(15, LogLevel.Debug, "The interpreter of new session {Session} was not started in advance ({Reason}); its first call starts it")]
    public static partial void InterpreterStartDeferred(ILogger logger, string session, string reason);

    [LoggerMessage(13, LogLevel.Information, "Runtime {Language} now runs optimized code, compiled in the background in {Milliseconds} ms")]
    public static partial void RuntimeOptimized(ILogger logger, string language, long milliseconds);

    [LoggerMessage(14, LogLevel.Warning, "Compiling the optimized code of runtime {Language} failed; it stays on the baseline compiler's code: {Reason}")]
    public static partial void RuntimeOptimizeFailed(ILogger logger, string language, string reason);
}
