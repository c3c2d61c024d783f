using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// The guest's file-system calls the host must see before WASI carries them out: every byte a descriptor
/// adds to the workspace counts against its quota, every file or folder against its file count, and every
/// open against the descriptor budgets. Decisions go by what a descriptor is (one of the three standard
/// streams the guest was started with, or something it opened), never by its number. The standard streams
/// cannot be closed or renumbered over (WASI would hand a freed number to the next open, so fd 1 could become
/// a workspace file, and a session would lose its output for good).
/// The accounting is exact (growth is measured from the file's size and the write's position, deletions
/// give their bytes back), so a refused write never walks the workspace again.
/// One job, the WASI file gate, in one type (some 370 lines, 33 of them the trampoline and the WASI functions it forwards
/// to, each made or looked up on first use): each override and the accounting it feeds are read together, and
/// splitting them would spread one invariant over several files.
/// </summary>
internal sealed class GuestFileGate : IGuestFileSystemGate
{
    private const int ErrnoFault = 21;
    private const int ErrnoNoEntry = 44;
    private const int ErrnoNotSupported = WasiOverrides.ErrnoNotSupported;
    private const int OpenCreate = 1, OpenTruncate = 8;
    private const int FdflagAppend = 1;
    private const byte FiletypeRegular = 4;
    private const int WhenceSet = 0, WhenceCurrent = 1, WhenceEnd = 2;

    private readonly WasmEngineHost _host;
    private readonly Memory _memory;
    private readonly Global _stackPointer;
    private readonly bool _forSession;

    /// <summary>
    /// WASI's own functions, reached through the trampoline, each looked up on its first use: most calls need none of
    /// them (the standard streams are captured here), and each lookup costs every new interpreter some microseconds,
    /// and a process's first call .NET's compiling of one more signature. The trampoline itself is instantiated on the
    /// first such use too, in the interpreter's store (most interpreters never touch a file after start-up).
    /// </summary>
    private readonly Func<Instance> _newTrampoline;
    private Instance? _trampolineInstance;
    private Instance Trampoline => _trampolineInstance ??= _newTrampoline();
    private Func<int, int, int, int, int>? _fdWrite;
    private Func<int, int, int, long, int, int>? _fdPwrite;
    private Func<int, int, int, int, int, long, long, int, int, int>? _pathOpen;
    private Func<int, int, int, int>? _createDirectory;
    private Func<int, long, int, int, int>? _fdSeek;
    private Func<int, long, int>? _setSize;
    private Func<int, int>? _fdClose;
    private Func<int, int, int>? _fdRenumber;
    private Func<int, int, int>? _fdFilestatGet;
    private Func<int, int, int>? _fdFdstatGet;
    private Func<int, int, int, int, int, int>? _pathFilestatGet;
    private Func<int, int, int, int>? _unlink;
    private Func<int, int, int, int>? _removeDirectory;
    private Func<int, int, int, int, int, int, int>? _rename;
    private Func<int, int, int, int, int> WasiFdWrite => _fdWrite ??= Trampoline.GetFunction<int, int, int, int, int>("fd_write")!;
    private Func<int, int, int, long, int, int> WasiFdPwrite => _fdPwrite ??= Trampoline.GetFunction<int, int, int, long, int, int>("fd_pwrite")!;
    private Func<int, int, int, int, int, long, long, int, int, int> WasiPathOpen => _pathOpen ??= Trampoline.GetFunction<int, int, int, int, int, long, long, int, int, int>("path_open")!;
    private Func<int, int, int, int> WasiCreateDirectory => _createDirectory ??= Trampoline.GetFunction<int, int, int, int>("path_create_directory")!;
    private Func<int, long, int, int, int> WasiFdSeek => _fdSeek ??= Trampoline.GetFunction<int, long, int, int, int>("fd_seek")!;
    private Func<int, long, int> WasiSetSize => _setSize ??= Trampoline.GetFunction<int, long, int>("fd_filestat_set_size")!;
    private Func<int, int> WasiFdClose => _fdClose ??= Trampoline.GetFunction<int, int>("fd_close")!;
    private Func<int, int, int> WasiFdRenumber => _fdRenumber ??= Trampoline.GetFunction<int, int, int>("fd_renumber")!;
    private Func<int, int, int> WasiFdFilestatGet => _fdFilestatGet ??= Trampoline.GetFunction<int, int, int>("fd_filestat_get")!;
    private Func<int, int, int> WasiFdFdstatGet => _fdFdstatGet ??= Trampoline.GetFunction<int, int, int>("fd_fdstat_get")!;
    private Func<int, int, int, int, int, int> WasiPathFilestatGet => _pathFilestatGet ??= Trampoline.GetFunction<int, int, int, int, int, int>("path_filestat_get")!;
    private Func<int, int, int, int> WasiUnlink => _unlink ??= Trampoline.GetFunction<int, int, int, int>("path_unlink_file")!;
    private Func<int, int, int, int> WasiRemoveDirectory => _removeDirectory ??= Trampoline.GetFunction<int, int, int, int>("path_remove_directory")!;
    private Func<int, int, int, int, int, int, int> WasiRename => _rename ??= Trampoline.GetFunction<int, int, int, int, int, int, int>("path_rename")!;

    /// <summary>Descriptors this guest opened and has not closed (each holds a host descriptor and a budget token).</summary>
    private readonly HashSet<int> _openFiles = [];

    /// <summary>
    /// One of the standard streams the guest was started with (their output is captured, not written to disk). The
    /// number says so because these three can never be closed or renumbered over (<see cref="Close"/>,
    /// <see cref="Renumber"/>), so no open can be handed 0, 1 or 2.
    /// </summary>
    private static bool IsStandardStream(int fd) => fd is >= 0 and <= 2;

    /// <summary>
    /// Files (by inode) the guest removed while it still held them open (tempfile.TemporaryFile does): their bytes
    /// stay on the disk, counted, until the last descriptor to them is closed; a walk of the workspace cannot see them.
    /// </summary>
    private readonly HashSet<long> _held = [];

    /// <summary>Most files and folders one interpreter may hold open at once; more opens fail with EMFILE.</summary>
    internal const int MaxOpenFiles = 256;

    private readonly (OutputCapture Stdout, OutputCapture Stderr)? _output;

    /// <summary>The gate of one interpreter; its stdout and stderr writes go straight to <paramref name="output"/> when given (else through WASI).</summary>
    public GuestFileGate(WasmEngineHost host, Func<Instance> trampoline, Memory memory, Global stackPointer, WorkspaceQuota quota, bool forSession,
        (OutputCapture Stdout, OutputCapture Stderr)? output = null)
    {
        _output = output;
        _host = host;
        _memory = memory;
        _stackPointer = stackPointer;
        _forSession = forSession;
        Quota = quota;
        _newTrampoline = trampoline;
    }

    public WorkspaceQuota Quota { get; }

    /// <summary>
    /// Calls that may have changed the workspace (writes, truncations, creations, removals, renames) since the
    /// interpreter started: while it stays the same over a call, that call changed no file and needs no scan.
    /// </summary>
    public long Changes { get; private set; }

    /// <summary>The descriptors the guest holds open now.</summary>
    public IReadOnlyCollection<int> OpenFiles => _openFiles;

    /// <summary>The guest holds no file open (and so no removed file either).</summary>
    public bool Idle => _openFiles.Count == 0 && _held.Count == 0;

    public int Write(Caller caller, int fd, int iovs, int iovsLength, long? offset, int nwrittenPtr)
    {
        if (!IsStandardStream(fd))
        {
            long length = _memory.GetLength();
            if (iovsLength < 0 || iovs < 0 || iovs + 8L * iovsLength > length || nwrittenPtr < 0 || nwrittenPtr + 4L > length) return ErrnoFault;
            long total = 0;
            for (int i = 0; i < iovsLength; i++) total += (uint)_memory.ReadInt32(iovs + 8L * i + 4);
            if (total > 0)
            {
                Changes++;
                var target = WriteTarget(fd, offset);
                long growth = target.Known ? Math.Max(0, target.Start + total - target.Size) : total;
                if (!Quota.TryReserve(growth)) return WasiOverrides.ErrnoNoSpace;
                int result = PassWrite(fd, iovs, iovsLength, offset, nwrittenPtr);
                long written = result == 0 ? (uint)_memory.ReadInt32(nwrittenPtr) : 0;
                long actual = target.Known ? Math.Max(0, target.Start + written - target.Size) : written;
                Quota.Release(growth - actual);
                return result;
            }
        }
        if (offset is null && fd is 1 or 2 && _output is { } output)
            return (fd == 1 ? output.Stdout : output.Stderr).WriteIovecs(_memory, iovs, iovsLength, nwrittenPtr);
        return PassWrite(fd, iovs, iovsLength, offset, nwrittenPtr);
    }

    private int PassWrite(int fd, int iovs, int iovsLength, long? offset, int nwrittenPtr) => offset is { } at
        ? WasiFdPwrite(fd, iovs, iovsLength, at, nwrittenPtr)
        : WasiFdWrite(fd, iovs, iovsLength, nwrittenPtr);

    /// <summary>
    /// Where a write lands and how big the file is now: the file grows by what lands past its end, including
    /// the hole a seek or pwrite leaves (else one byte at offset 10**12 makes a terabyte file on the host).
    /// Not known for a descriptor that cannot seek (not a file on disk).
    /// </summary>
    private (bool Known, long Start, long Size) WriteTarget(int fd, long? offset) =>
        WithScratch<(bool, long, long)>(24, 0, 0, default, at =>
        {
            if (WasiFdFdstatGet(fd, at) != 0) return default;
            bool append = (_memory.ReadInt16(at + 2) & FdflagAppend) != 0;
            if (WasiFdSeek(fd, 0, WhenceCurrent, at) != 0) return default;
            long position = _memory.ReadInt64(at);
            if (WasiFdSeek(fd, 0, WhenceEnd, at) != 0) return default;
            long size = _memory.ReadInt64(at);
            WasiFdSeek(fd, position, WhenceSet, at);
            return (true, offset ?? (append ? size : position), size);
        });

    public int SetSize(int fd, long size)
    {
        if (IsStandardStream(fd) || size < 0) return WasiSetSize(fd, size);
        Changes++;
        var stat = StatDescriptor(fd);
        long growth = stat.Found ? Math.Max(0, size - stat.Size) : size;
        if (!Quota.TryReserve(growth)) return WasiOverrides.ErrnoNoSpace;
        int rc = WasiSetSize(fd, size);
        if (rc != 0) Quota.Release(growth);
        else if (stat.Found && size < stat.Size) Quota.Release(stat.Size - size);
        return rc;
    }

    public int Open(int dirFd, int dirFlags, int path, int pathLength, int oflags, long rightsBase, long rightsInheriting, int fdFlags, int fdOut)
    {
        bool creating = (oflags & OpenCreate) != 0;
        bool truncating = (oflags & OpenTruncate) != 0;
        var before = creating || truncating ? StatPath(dirFd, dirFlags, path, pathLength) : default;
        bool adds = creating && !before.Found;
        if (adds && !Quota.CanCreate()) return WasiOverrides.ErrnoQuota;
        if (_openFiles.Count >= MaxOpenFiles || !_host.TryTakeGuestFile(_forSession)) return WasiOverrides.ErrnoTooManyFiles;
        int rc = WasiPathOpen(dirFd, dirFlags, path, pathLength, oflags, rightsBase, rightsInheriting, fdFlags, fdOut);
        int fd = rc == 0 ? _memory.ReadInt32(fdOut) : -1;
        bool kept = rc == 0 && _openFiles.Add(fd); // a number still counted keeps its one token
        if (!kept) _host.ReturnGuestFiles(_forSession, 1);
        if (rc == 0)
        {
            if (creating || truncating) Changes++;
            if (adds) Quota.Created();
            if (before is { Found: true, Regular: true } && truncating) Quota.Release(before.Size);
            if (before.Unknown) Quota.MayOvercount();
        }
        return rc;
    }

    public int Close(int fd)
    {
        // The standard streams stay: a closed stdout cannot be opened again under WASI, so every later call of the
        // session would lose its output (and a file reopened at that number would receive it).
        if (IsStandardStream(fd)) return ErrnoNotSupported;
        var held = _held.Count > 0 && _openFiles.Contains(fd) ? StatDescriptor(fd) : default;
        int rc = WasiFdClose(fd);
        if (rc == 0)
        {
            if (_openFiles.Remove(fd)) _host.ReturnGuestFiles(_forSession, 1);
            if (held.Found && _held.Contains(held.Inode) && OpenDescriptorOf(held.Inode) is null)
            {
                _held.Remove(held.Inode);
                Quota.Release(held.Size);
            }
        }
        return rc;
    }

    /// <summary>An open descriptor of the guest's to the file with <paramref name="inode"/>, if it holds one.</summary>
    private int? OpenDescriptorOf(long inode)
    {
        foreach (int fd in _openFiles)
            if (StatDescriptor(fd) is { Found: true } stat && stat.Inode == inode) return fd;
        return null;
    }

    /// <summary>What the guest's removed-but-open files hold on the disk now (counted by the quota's walks too).</summary>
    private long HeldBytes()
    {
        long bytes = 0;
        foreach (long inode in _held)
            if (OpenDescriptorOf(inode) is { } fd) bytes += StatDescriptor(fd).Size;
        return bytes;
    }

    public int Renumber(int from, int to)
    {
        if (IsStandardStream(to) || IsStandardStream(from)) return ErrnoNotSupported;
        int rc = WasiFdRenumber(from, to);
        if (rc == 0 && from != to)
        {
            // 'to' was closed and 'from' now lives there.
            bool movedOurs = _openFiles.Remove(from);
            bool closedOurs = _openFiles.Remove(to);
            if (movedOurs) _openFiles.Add(to);
            if (closedOurs) _host.ReturnGuestFiles(_forSession, 1);
        }
        return rc;
    }

    public int CreateDirectory(int dirFd, int path, int pathLength)
    {
        if (!Quota.CanCreate()) return WasiOverrides.ErrnoQuota;
        int rc = WasiCreateDirectory(dirFd, path, pathLength);
        Changes++;
        if (rc == 0) Quota.Created();
        return rc;
    }

    public int Unlink(int dirFd, int path, int pathLength)
    {
        var before = StatPath(dirFd, 0, path, pathLength);
        int rc = WasiUnlink(dirFd, path, pathLength);
        Changes++;
        if (rc == 0) Removed(before);
        return rc;
    }

    public int RemoveDirectory(int dirFd, int path, int pathLength)
    {
        int rc = WasiRemoveDirectory(dirFd, path, pathLength);
        Changes++;
        if (rc == 0) Quota.Removed(0);
        return rc;
    }

    public int Rename(int oldDirFd, int oldPath, int oldPathLength, int newDirFd, int newPath, int newPathLength)
    {
        var replaced = StatPath(newDirFd, 0, newPath, newPathLength);
        bool itself = replaced.Found && StatPath(oldDirFd, 0, oldPath, oldPathLength) is { Found: true } moved && moved.Inode == replaced.Inode;
        int rc = WasiRename(oldDirFd, oldPath, oldPathLength, newDirFd, newPath, newPathLength);
        Changes++;
        if (rc == 0 && !itself && (replaced.Found || replaced.Unknown)) Removed(replaced);
        return rc;
    }

    private void Removed(in Stat stat)
    {
        if (!stat.Found)
        {
            Quota.MayOvercount(); // removed something it could not see: measure again at the limit
        }
        else if (stat.Regular && OpenDescriptorOf(stat.Inode) is not null)
        {
            // Still open: its bytes stay on the disk until it is closed.
            if (_held.Count == 0) Quota.AddHidden(HeldBytes);
            _held.Add(stat.Inode);
            Quota.Removed(0);
        }
        else
        {
            Quota.Removed(stat.Regular ? stat.Size : 0);
        }
    }

    /// <summary>
    /// Before the store is disposed (which closes every descriptor the guest still holds): gives the descriptors
    /// back to the budget and the bytes of removed-but-open files back to the quota.
    /// </summary>
    public void ReleaseAll()
    {
        if (_held.Count > 0)
        {
            Quota.Release(HeldBytes());
            _held.Clear();
            Quota.RemoveHidden(HeldBytes);
        }
        _host.ReturnGuestFiles(_forSession, _openFiles.Count);
        _openFiles.Clear();
    }

    private readonly record struct Stat(bool Found, bool Unknown, bool Regular, long Size, long Inode = 0);

    private static readonly Stat Unseen = new(false, true, false, 0);

    private Stat StatDescriptor(int fd) => WithScratch(64, 0, 0, Unseen, at => ReadStat(WasiFdFilestatGet(fd, at), at));

    private Stat StatPath(int dirFd, int flags, int path, int pathLength) =>
        WithScratch(64, path, pathLength, Unseen, at => ReadStat(WasiPathFilestatGet(dirFd, flags, path, pathLength, at), at));

    private Stat ReadStat(int rc, int at) => rc switch
    {
        0 => new Stat(true, false, _memory.ReadByte(at + 16) == FiletypeRegular, _memory.ReadInt64(at + 32), _memory.ReadInt64(at + 8)),
        ErrnoNoEntry => default,
        _ => Unseen,
    };

    /// <summary>Runs <paramref name="use"/> on <paramref name="size"/> bytes of borrowed guest memory (see <see cref="Scratch"/>), put back afterwards; <paramref name="none"/> when there is no room.</summary>
    private T WithScratch<T>(int size, int avoid, int avoidLength, T none, Func<int, T> use)
    {
        int at = Scratch(size, avoid, avoidLength);
        if (at < 0) return none;
        Span<byte> saved = stackalloc byte[size];
        _memory.GetSpan(at, size).CopyTo(saved);
        try
        {
            return use(at);
        }
        finally
        {
            saved.CopyTo(_memory.GetSpan(at, size));
        }
    }

    /// <summary>
    /// Guest memory the host may borrow for a WASI call's result (put back before the guest runs again): below
    /// the guest's stack pointer, which nothing uses while the guest waits in this call, clear of the buffer
    /// the call reads. -1 when there is no such place.
    /// </summary>
    private int Scratch(int size, int avoid, int avoidLength)
    {
        long at = ((int)_stackPointer.GetValue()! - 512L - size) & ~7L;
        if (avoidLength > 0 && at < (long)avoid + avoidLength && avoid < at + size) at = ((long)avoid - 512 - size) & ~7L;
        return at < 1024 || at + size > _memory.GetLength() ? -1 : (int)at;
    }
}
