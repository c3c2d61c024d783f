using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Tests;

[Collection(EnvironmentCollection.Name)] // opens and closes files: not beside tests that count the process's descriptors
public sealed class ModuleCachePrunerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "skwasm-prune-" + Guid.NewGuid().ToString("N"));
    private static readonly DateTime Now = new(2030, 1, 15, 12, 0, 0, DateTimeKind.Utc);

    public ModuleCachePrunerTests() => Directory.CreateDirectory(_dir);

    private string Entry(string name, int bytes, TimeSpan age)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, new byte[bytes]);
        File.SetLastWriteTimeUtc(path, Now - age);
        return path;
    }

    [Fact]
    public void Entries_unused_for_a_week_go_and_current_or_recent_ones_stay()
    {
        string current = Entry("python-current.cwasm", 10, TimeSpan.FromDays(30));
        string currentLock = Entry("python-current.cwasm.lock", 0, TimeSpan.FromDays(30));
        string old = Entry("python-old.cwasm", 10, TimeSpan.FromDays(8));
        string oldImage = Entry("python-old.started", 10, TimeSpan.FromDays(8));
        string oldLock = Entry("python-old.cwasm.lock", 0, TimeSpan.FromDays(8));
        string recent = Entry("javascript-other.cwasm", 10, TimeSpan.FromDays(2));
        string leftover = Entry("python-x.cwasm.1234.tmp", 10, TimeSpan.FromDays(2));
        string writing = Entry("python-y.cwasm.5678.tmp", 10, TimeSpan.FromMinutes(1));

        var removed = ModuleCachePruner.Prune(_dir, new HashSet<string> { current }, long.MaxValue, Now);

        Assert.Equal(new[] { old, oldImage, oldLock, leftover }.Order(), removed.Order());
        foreach (string kept in new[] { current, currentLock, recent, writing }) Assert.True(File.Exists(kept), kept);
    }

    [Fact]
    public void Over_the_size_bound_the_least_recently_used_go_first_but_never_a_current_entry()
    {
        string current = Entry("python-current.cwasm", 600, TimeSpan.FromDays(3));
        string oldest = Entry("python-a.cwasm", 300, TimeSpan.FromDays(3));
        string middle = Entry("python-b.cwasm", 300, TimeSpan.FromDays(2));
        string newest = Entry("python-c.cwasm", 300, TimeSpan.FromDays(1));

        var removed = ModuleCachePruner.Prune(_dir, new HashSet<string> { current }, 1000, Now);

        Assert.Equal(new[] { oldest, middle }, removed);
        Assert.True(File.Exists(current));
        Assert.True(File.Exists(newest));

        // A bound below the current entries alone removes everything else and keeps them.
        ModuleCachePruner.Prune(_dir, new HashSet<string> { current }, 1, Now);
        Assert.Equal([current], Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_lock_another_process_holds_is_not_removed()
    {
        string lockFile = Entry("python-old.cwasm.lock", 0, TimeSpan.FromDays(30));
        using (new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            Assert.Empty(ModuleCachePruner.Prune(_dir, new HashSet<string>(), long.MaxValue, Now));
        Assert.Equal([lockFile], ModuleCachePruner.Prune(_dir, new HashSet<string>(), long.MaxValue, Now));
    }

    [Fact]
    public void Pruning_is_due_once_a_day_across_processes()
    {
        Assert.True(ModuleCachePruner.IsDue(_dir, Now));
        Assert.False(ModuleCachePruner.IsDue(_dir, Now + TimeSpan.FromHours(23)));
        Assert.True(ModuleCachePruner.IsDue(_dir, Now + TimeSpan.FromHours(25)));
        Assert.Empty(ModuleCachePruner.Prune(_dir, new HashSet<string>(), 0, Now)); // the marker itself is never pruned
    }

    [Fact]
    public void Scratch_folders_left_by_a_crashed_process_are_swept_and_others_stay()
    {
        string Folder(string name, TimeSpan age)
        {
            string path = Path.Combine(_dir, name);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "f.txt"), "x");
            Directory.SetLastWriteTimeUtc(path, Now - age);
            return path;
        }
        string stale = Folder("run-stale", TimeSpan.FromDays(2));
        string running = Folder("run-now", TimeSpan.FromMinutes(5));
        string foreign = Folder("my-own-data", TimeSpan.FromDays(20));

        Assert.Equal(1, ModuleCachePruner.SweepScratch(_dir, Now));
        Assert.False(Directory.Exists(stale));
        Assert.True(Directory.Exists(running));
        Assert.True(Directory.Exists(foreign));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
