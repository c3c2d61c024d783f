using Wasmtime;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>Checks guest file writes, creations and removals against the workspace quota, then passes them to WASI.</summary>
internal interface IGuestFileSystemGate
{
    int Write(Caller caller, int fd, int iovs, int iovsLength, long? offset, int nwrittenPtr);
    int Open(int dirFd, int dirFlags, int path, int pathLength, int oflags, long rightsBase, long rightsInheriting, int fdFlags, int fdOut);
    int CreateDirectory(int dirFd, int path, int pathLength);
    int SetSize(int fd, long size);
    int Close(int fd);
    int Renumber(int from, int to);
    int Unlink(int dirFd, int path, int pathLength);
    int RemoveDirectory(int dirFd, int path, int pathLength);
    int Rename(int oldDirFd, int oldPath, int oldPathLength, int newDirFd, int newPath, int newPathLength);
}
