using Microsoft.Extensions.DependencyInjection;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans.Tests;

public sealed class ConcurrentClientTests
{
    [Fact]
    public async Task Ten_concurrent_clients_appending_to_one_session_lose_nothing_and_it_lives_on_one_silo()
    {
        await using var cluster = await TcpCluster.StartAsync(silos: 2);
        var clients = new List<ICodeSandbox>();
        for (int i = 0; i < 10; i++) clients.Add((await cluster.StartClientAsync()).Services.GetRequiredService<ICodeSandbox>());
        string id = (await clients[0].Sessions.CreateAsync()).Id;
        Assert.True((await clients[0].ExecuteAsync(new ExecutionRequest(Language.Python, "log = []") { SessionId = id })).IsSuccess);

        await Parallel.ForAsync(0, clients.Count, async (client, ct) =>
        {
            for (int j = 0; j < 10; j++)
            {
                var r = await clients[client].ExecuteAsync(new ExecutionRequest(Language.Python,
                    $"log.append('c{client}-{j}')\nopen('log.txt', 'a').write('c{client}-{j}\\n')") { SessionId = id }, ct);
                Assert.True(r.IsSuccess, r.Stderr);
            }
        });
        var check = await clients[9].ExecuteAsync(new ExecutionRequest(Language.Python,
            "print(len(log), len(set(log)), len(open('log.txt').read().split()))") { SessionId = id });
        Assert.Equal("100 100 100\n", check.Stdout);

        // One live copy: the silo that does not run the grain does not hold the session.
        var owner = (await cluster.StartClientAsync()).Services.GetRequiredService<IClusterClient>().GetGrain<ISandboxSessionGrain>(id);
        string where = await owner.GetSiloAsync();
        var others = cluster.Silos.Where(s => !where.Contains(TcpCluster.Address(s), StringComparison.Ordinal)).ToList();
        Assert.Single(others);
        Assert.False(await TcpCluster.LocalSandbox(others[0]).Sessions.UnloadAsync(id));
        Assert.Equal(102, (await clients[3].Sessions.GetAsync(id))!.ExecutionCount); // "log = []", 100 appends, the check
    }
}
