using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>Stateless workspaces are deleted after the call: soon, all of them, and at the latest on dispose.</summary>
public sealed class FolderSweeperTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "skwasm-sweeper-" + Guid.NewGuid().ToString("N"));

    private string NewFolder(int i, bool withFile)
    {
        string path = Path.Combine(_root, $"run-{i}");
        Directory.CreateDirectory(Path.Combine(path, "sub"));
        if (withFile) File.WriteAllText(Path.Combine(path, "sub", "data.txt"), "x");
        return path;
    }

    [Fact]
    public void Every_queued_folder_goes_soon_empty_or_not()
    {
        using var sweeper = new FolderSweeper();
        var folders = Enumerable.Range(0, 200).Select(i => NewFolder(i, withFile: i % 3 == 0)).ToList();
        Parallel.ForEach(folders, sweeper.Delete);
        Assert.True(SpinWait.SpinUntil(() => folders.All(f => !Directory.Exists(f)), TimeSpan.FromSeconds(10)),
            $"{folders.Count(Directory.Exists)} folders left");
    }

    [Fact]
    public void Queued_folders_are_gone_after_dispose_and_later_deletes_are_immediate()
    {
        var sweeper = new FolderSweeper();
        var folders = Enumerable.Range(0, 50).Select(i => NewFolder(i, withFile: true)).ToList();
        foreach (string f in folders) sweeper.Delete(f);
        sweeper.Dispose();
        // A sweep already running may still hold the last folder it dequeued for a moment.
        Assert.True(SpinWait.SpinUntil(() => folders.All(f => !Directory.Exists(f)), TimeSpan.FromSeconds(5)));
        string late = NewFolder(99, withFile: true);
        sweeper.Delete(late);
        Assert.False(Directory.Exists(late));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
