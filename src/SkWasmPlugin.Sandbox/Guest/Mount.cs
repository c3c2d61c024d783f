namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// A host folder preopened for the guest. <paramref name="ReadAtStartup"/>: the interpreter's start-up reads its
/// files, so the cached start-up image depends on all of them; <paramref name="ListedDepth"/>: start-up lists its
/// folders this many levels deep (Python's finders list each sys.path entry), so the image depends on those names.
/// </summary>
/// <remarks><see cref="HashedFiles"/>: files of the mount (relative paths) whose content the start-up image holds (our runner), hashed
/// into its cache key so a changed runner never reuses an old image even where copies keep sizes and times.</remarks>
internal sealed record Mount(string HostPath, string GuestPath, bool ReadAtStartup = false, int ListedDepth = 0)
{
    public IReadOnlyList<string> HashedFiles { get; init; } = [];
}
