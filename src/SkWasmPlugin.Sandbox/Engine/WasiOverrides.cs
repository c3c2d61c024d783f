using System.Buffers.Binary;
using System.Diagnostics;
using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// WASI functions we replace. Wasmtime's own <c>poll_oneoff</c> blocks the thread inside the host, where
/// epoch interruption cannot reach it, so <c>time.sleep(10**9)</c> would never end. Ours sleeps in short
/// slices and wakes at the call's deadline or on cancellation; the epoch callback then stops the guest.
/// </summary>
internal static class WasiOverrides
{
    internal const int ErrnoNoSpace = 51;
    internal const int ErrnoQuota = 19;
    internal const int ErrnoPerm = 63;
    internal const int ErrnoTooManyFiles = 33;
    internal const int ErrnoNotSupported = 58;
    private const int SubscriptionSize = 48;
    private const int EventSize = 32;
    private const int ErrnoSuccess = 0;
    private const int ErrnoFault = 21;
    private const int ErrnoInval = 28;
    private const byte EventClock = 0;

    public static void Define(Linker linker)
    {
        linker.DefineFunction("wasi_snapshot_preview1", "poll_oneoff",
            (Caller caller, int subscriptions, int events, int count, int eventCountPtr) =>
                PollOneoff(caller, subscriptions, events, count, eventCountPtr));
        // Ours too, so that the absolute monotonic deadlines the guest computes (CPython sleeps with
        // clock_nanosleep(TIMER_ABSTIME)) are on the clock poll_oneoff compares them with.
        linker.DefineFunction("wasi_snapshot_preview1", "clock_time_get",
            (Caller caller, int clockId, long precision, int resultPtr) => ClockTimeGet(caller, clockId, resultPtr));

        // Writes to files count against the workspace quota before they reach the disk: the guest gets
        // ENOSPC (an OSError it can handle) and the host disk never sees the excess.
        linker.DefineFunction("wasi_snapshot_preview1", "fd_write",
            (Caller caller, int fd, int iovs, int iovsLen, int nwritten) =>
                Quota(caller).Write(caller, fd, iovs, iovsLen, null, nwritten));
        // The rest are called seldom (files, not output): one untyped callback shape for all of them, so that a
        // JIT-compiled host compiles one Wasmtime wrapper for them, not one per signature (bench/RESULTS.md).
        Define(linker, "fd_pwrite", (caller, a) =>
            Quota(caller).Write(caller, I(a, 0), I(a, 1), I(a, 2), L(a, 3), I(a, 4)));
        Define(linker, "path_open", (caller, a) =>
            Quota(caller).Open(I(a, 0), I(a, 1), I(a, 2), I(a, 3), I(a, 4), L(a, 5), L(a, 6), I(a, 7), I(a, 8)));
        Define(linker, "path_create_directory", (caller, a) => Quota(caller).CreateDirectory(I(a, 0), I(a, 1), I(a, 2)));
        // Growing a file by ftruncate counts like a write (else truncate(10**12) makes a terabyte file on the host).
        Define(linker, "fd_filestat_set_size", (caller, a) => Quota(caller).SetSize(I(a, 0), L(a, 1)));
        // Open descriptors are counted (per interpreter and process-wide), so closes and renumbers must be seen.
        Define(linker, "fd_close", (caller, a) => Quota(caller).Close(I(a, 0)));
        Define(linker, "fd_renumber", (caller, a) => Quota(caller).Renumber(I(a, 0), I(a, 1)));
        // Removals give their bytes and entries back to the quota, so its accounting stays exact.
        Define(linker, "path_unlink_file", (caller, a) => Quota(caller).Unlink(I(a, 0), I(a, 1), I(a, 2)));
        Define(linker, "path_remove_directory", (caller, a) => Quota(caller).RemoveDirectory(I(a, 0), I(a, 1), I(a, 2)));
        Define(linker, "path_rename", (caller, a) =>
            Quota(caller).Rename(I(a, 0), I(a, 1), I(a, 2), I(a, 3), I(a, 4), I(a, 5)));
        // Preallocation would grow a file without a write the quota sees.
        Define(linker, "fd_allocate", "i32 i64 i64", (_, _) => ErrnoNotSupported);
        // No links: a symlink the guest made (e.g. to "../..") would point host code that walks the workspace
        // at the session store or the whole disk, and hard links would dodge the file count. WASI itself never
        // follows a link out of a preopen, but the host is not WASI.
        Define(linker, "path_symlink", "i32 i32 i32 i32 i32", (_, _) => ErrnoPerm);
        Define(linker, "path_link", "i32 i32 i32 i32 i32 i32 i32", (_, _) => ErrnoPerm);
    }

    private static readonly ValueKind[] ResultErrno = [ValueKind.Int32];

    /// <summary>Defines WASI function <paramref name="name"/> with the parameters the trampoline also forwards it with.</summary>
    private static void Define(Linker linker, string name, Func<Caller, ReadOnlySpan<ValueBox>, int> call)
    {
        foreach (var (function, parameters) in WasmEngine.TrampolineFunctions)
        {
            if (function != name) continue;
            Define(linker, name, parameters, call);
            return;
        }
        throw new InvalidOperationException($"WASI function '{name}' is not in WasmEngine.TrampolineFunctions; give its parameters.");
    }

    /// <summary>Defines WASI function <paramref name="name"/> (parameters as in wat: i32, i64) returning an errno.</summary>
    private static void Define(Linker linker, string name, string parameters, Func<Caller, ReadOnlySpan<ValueBox>, int> call)
    {
        var kinds = parameters.Split(' ');
        var parameterKinds = new ValueKind[kinds.Length];
        for (int i = 0; i < kinds.Length; i++) parameterKinds[i] = kinds[i] == "i64" ? ValueKind.Int64 : ValueKind.Int32;
        linker.DefineFunction("wasi_snapshot_preview1", name,
            (Caller caller, ReadOnlySpan<ValueBox> arguments, Span<ValueBox> results) => results[0] = call(caller, arguments),
            parameterKinds, ResultErrno);
    }

    private static int I(ReadOnlySpan<ValueBox> arguments, int index) => arguments[index].AsInt32();

    private static long L(ReadOnlySpan<ValueBox> arguments, int index) => arguments[index].AsInt64();

    private static IGuestFileSystemGate Quota(Caller caller) =>
        (caller.GetData() as GuestInstance)?.Files ?? throw new InvalidOperationException("Store data is not a guest instance.");

    private static int ClockTimeGet(Caller caller, int clockId, int resultPtr)
    {
        if (clockId is < 0 or > 3) return ErrnoInval;
        var memory = caller.GetMemory("memory");
        if (memory is null || resultPtr < 0 || resultPtr + 8L > memory.GetLength()) return ErrnoFault;
        memory.WriteInt64(resultPtr, NowNs((uint)clockId));
        return ErrnoSuccess;
    }

    private static int PollOneoff(Caller caller, int subsPtr, int eventsPtr, int count, int eventCountPtr)
    {
        if (count <= 0) return ErrnoInval;
        var memory = caller.GetMemory("memory");
        if (memory is null) return ErrnoFault;
        long length = memory.GetLength();
        if (subsPtr < 0 || eventsPtr < 0 || (long)subsPtr + (long)count * SubscriptionSize > length ||
            (long)eventsPtr + (long)count * EventSize > length || eventCountPtr < 0 || eventCountPtr + 4L > length)
            return ErrnoFault;

        // The earliest clock subscription decides how long to wait; fd subscriptions are reported ready
        // at once (stdin is an in-memory buffer, and there are no sockets).
        long waitNs = long.MaxValue;
        int firstReady = -1;
        var subs = memory.GetSpan(subsPtr, count * SubscriptionSize).ToArray();
        for (int i = 0; i < count; i++)
        {
            var s = subs.AsSpan(i * SubscriptionSize, SubscriptionSize);
            byte tag = s[8];
            if (tag == EventClock)
            {
                uint clockId = BinaryPrimitives.ReadUInt32LittleEndian(s[16..]);
                ulong timeout = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]);
                bool absolute = (BinaryPrimitives.ReadUInt16LittleEndian(s[40..]) & 1) != 0;
                long relative = absolute ? (long)timeout - NowNs(clockId) : (long)Math.Min(timeout, long.MaxValue);
                waitNs = Math.Min(waitNs, Math.Max(relative, 0));
            }
            else if (firstReady < 0)
            {
                firstReady = i;
            }
        }

        int fired;
        if (firstReady >= 0)
        {
            fired = firstReady;
        }
        else
        {
            var state = (caller.GetData() as GuestInstance)?.SoftStop;
            SleepInterruptibly(waitNs, state);
            fired = FirstClock(subs, count);
        }

        var ev = memory.GetSpan(eventsPtr, EventSize);
        ev.Clear();
        var sub = subs.AsSpan(fired * SubscriptionSize, SubscriptionSize);
        sub[..8].CopyTo(ev);                       // userdata
        BinaryPrimitives.WriteUInt16LittleEndian(ev[8..], ErrnoSuccess);
        ev[10] = sub[8];                           // event type = subscription tag
        memory.WriteInt32(eventCountPtr, 1);
        return ErrnoSuccess;
    }

    private static int FirstClock(byte[] subs, int count)
    {
        for (int i = 0; i < count; i++)
            if (subs[i * SubscriptionSize + 8] == EventClock) return i;
        return 0;
    }

    private static void SleepInterruptibly(long waitNs, SoftStopController? control)
    {
        var clock = Stopwatch.StartNew();
        long waitTicks = waitNs == long.MaxValue ? long.MaxValue : waitNs / 100;
        while (true)
        {
            long left = waitTicks == long.MaxValue ? long.MaxValue : waitTicks - clock.Elapsed.Ticks;
            if (left <= 0) return;
            if (control is not null && control.ShouldWake()) return;
            Thread.Sleep(TimeSpan.FromTicks(Math.Min(left, TimeSpan.TicksPerMillisecond * 5)));
        }
    }

    private static long NowNs(uint clockId) => clockId == 0
        ? (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100
        : (long)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));
}
