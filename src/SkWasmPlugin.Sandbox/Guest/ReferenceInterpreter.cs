namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// A runtime's reference interpreter (started, never run) and the address of its memory, taken once: sessions diff
/// against it from many threads at once, and since it never runs (so never grows) the memory stays where it is. Each
/// diff holds it (<see cref="TryAcquire"/>); once retired, the last release drops the interpreter.
/// </summary>
internal sealed unsafe class ReferenceInterpreter(GuestInstance instance)
{
    private readonly byte* _memory = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(
        ref System.Runtime.InteropServices.MemoryMarshal.GetReference(instance.MemorySpan));
    private readonly int _length = instance.MemorySpan.Length;
    private HoldCount _holds = new();
    private int _retired;

    public ReadOnlySpan<byte> Memory => new(_memory, _length);

    public bool TryAcquire() => _holds.TryAcquire();

    public void Release()
    {
        if (_holds.Release()) instance.Dispose();
    }

    /// <summary>Gives up the runtime's own hold, once.</summary>
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0) Release();
    }
}
