namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// Holds on something shared that goes when the last is released; its owner has the first. Once at zero it cannot be
/// taken again, so a late taker learns it is gone instead of using it. A field, changed in place (never copied).
/// </summary>
internal struct HoldCount()
{
    private int _holds = 1;

    /// <summary>One more hold; false when the last one has already been released.</summary>
    public bool TryAcquire()
    {
        int holds = Volatile.Read(ref _holds);
        while (holds > 0)
        {
            int seen = Interlocked.CompareExchange(ref _holds, holds + 1, holds);
            if (seen == holds) return true;
            holds = seen;
        }
        return false;
    }

    /// <summary>Gives up a hold; true for the last one (the caller then disposes what was held).</summary>
    public bool Release() => Interlocked.Decrement(ref _holds) == 0;
}
