using System.Text;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.AzureBlob.Tests;

public sealed class BlobStorageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private SandboxOptions Options(string name) => new()
    {
        ModuleCachePath = Path.Combine(Path.GetTempPath(), "skwasm-test-module-cache"),
        ScratchPath = Path.Combine(azurite.Root, name, "scratch"),
        Sessions = new SessionManagerOptions { CheckpointDelay = TimeSpan.Zero },
    };

    [AzuriteFact]
    public async Task A_session_moves_to_another_host_with_its_files_and_variables()
    {
        var container = azurite.Container("sessions-" + Guid.NewGuid().ToString("N")[..8]);
        string session;
        await using (var hostA = new WasmCodeSandbox(Options("a"), new BlobWorkspaceStorage(container, Path.Combine(azurite.Root, "cache-a"))))
        {
            session = (await hostA.Sessions.CreateAsync()).Id;
            await hostA.Sessions.WriteFileAsync(session, "in/data.csv", Encoding.UTF8.GetBytes("x\n1\n2\n3\n"));
            var r = await hostA.ExecuteAsync(new ExecutionRequest(Language.Python,
                "import csv\nvalues = [int(r['x']) for r in csv.DictReader(open('in/data.csv'))]\nopen('out/sum.txt', 'w').write(str(sum(values))) if __import__('os').makedirs('out', exist_ok=True) is None else None") { SessionId = session });
            Assert.True(r.IsSuccess, r.Stderr);
        }

        // Another host, with an empty local cache: everything comes from the container.
        await using var hostB = new WasmCodeSandbox(Options("b"), new BlobWorkspaceStorage(container, Path.Combine(azurite.Root, "cache-b")));
        Assert.Contains(await hostB.Sessions.ListAsync(), s => s.Id == session);
        var again = await hostB.ExecuteAsync(new ExecutionRequest(Language.Python, "print(values, open('out/sum.txt').read())") { SessionId = session });
        Assert.Equal("[1, 2, 3] 6\n", again.Stdout);
        Assert.Equal("6", Encoding.UTF8.GetString(await hostB.Sessions.ReadFileAsync(session, "out/sum.txt")));

        Assert.True(await hostB.Sessions.DestroyAsync(session));
        var left = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, session + "/", default)) left.Add(blob.Name);
        Assert.Empty(left);
    }

    [AzuriteFact]
    public async Task Deleted_workspace_files_are_deleted_in_the_container()
    {
        var container = azurite.Container("sessions-" + Guid.NewGuid().ToString("N")[..8]);
        var storage = new BlobWorkspaceStorage(container, Path.Combine(azurite.Root, "cache-c"));
        await using var host = new WasmCodeSandbox(Options("c"), storage);
        string s = (await host.Sessions.CreateAsync()).Id;
        await host.Sessions.WriteFileAsync(s, "a.txt", Encoding.UTF8.GetBytes("a"));
        Assert.True(await container.GetBlobClient($"{s}/workspace/a.txt").ExistsAsync());
        await host.Sessions.DeleteFileAsync(s, "a.txt");
        Assert.False(await container.GetBlobClient($"{s}/workspace/a.txt").ExistsAsync());
        await Assert.ThrowsAsync<ArgumentException>(() => storage.SaveStateAsync(s, "../escape", new byte[] { 1 }));
    }

    [AzuriteFact]
    public async Task Two_hosts_never_run_one_session_at_once()
    {
        var container = azurite.Container("sessions-" + Guid.NewGuid().ToString("N")[..8]);
        string session;
        await using (var hostA = new WasmCodeSandbox(Options("la"), new BlobWorkspaceStorage(container, Path.Combine(azurite.Root, "cache-la"))))
        {
            session = (await hostA.Sessions.CreateAsync()).Id;
            Assert.True((await hostA.ExecuteAsync(new ExecutionRequest(Language.Python, "n = 1") { SessionId = session })).IsSuccess);
            var options = Options("lb");
            options.Sessions.SessionLockTimeout = TimeSpan.FromMilliseconds(500);
            await using var hostB = new WasmCodeSandbox(options, new BlobWorkspaceStorage(container, Path.Combine(azurite.Root, "cache-lb")));
            await Assert.ThrowsAsync<SessionInUseException>(() => hostB.ExecuteAsync(new ExecutionRequest(Language.Python, "n += 100") { SessionId = session }));
        }
        await using var hostC = new WasmCodeSandbox(Options("lc"), new BlobWorkspaceStorage(container, Path.Combine(azurite.Root, "cache-lc")));
        var after = await hostC.ExecuteAsync(new ExecutionRequest(Language.Python, "n += 1\nprint(n)") { SessionId = session });
        Assert.Equal("2\n", after.Stdout);
        Assert.True(await hostC.Sessions.DestroyAsync(session));
        Assert.False(await container.GetBlobClient(".locks/" + session).ExistsAsync());
    }
}
