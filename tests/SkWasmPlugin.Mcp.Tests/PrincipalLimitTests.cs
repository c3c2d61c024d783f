namespace SkWasmPlugin.Mcp.Tests;

/// <summary>Limits count per principal (not per MCP session) and are taken atomically.</summary>
public sealed class PrincipalLimitTests
{
    private static McpClientIsolation Isolation(int sessions = 20, int executions = 2) =>
        new(new SkWasmMcpServerOptions { IsolateClients = true, MaxSessionsPerClient = sessions, MaxConcurrentExecutionsPerClient = executions });

    [Fact]
    public void Sixty_concurrent_creates_in_one_client_take_exactly_the_cap()
    {
        var isolation = Isolation();
        int granted = 0;
        Parallel.For(0, 60, _ =>
        {
            if (isolation.TryReserveSession("session:a")) Interlocked.Increment(ref granted);
        });
        Assert.Equal(20, granted);
    }

    [Fact]
    public void Many_clients_of_one_principal_share_its_session_and_execution_limits()
    {
        var isolation = Isolation(sessions: 10, executions: 2);
        // Without a request context every client is the same (anonymous) principal, as all holders of one token are.
        int granted = Enumerable.Range(0, 6).Sum(c => Enumerable.Range(0, 5).Count(_ => isolation.TryReserveSession($"session:{c}")));
        Assert.Equal(10, granted);
        using var first = isolation.TryStartExecution("session:1");
        using var second = isolation.TryStartExecution("session:2");
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(isolation.TryStartExecution("session:3"));
    }

    [Fact]
    public void A_failed_create_gives_its_place_back_and_a_release_frees_one()
    {
        var isolation = Isolation(sessions: 1);
        Assert.True(isolation.TryReserveSession("session:a"));
        isolation.CancelCreate("session:a");
        Assert.True(isolation.TryReserveSession("session:a"));
        isolation.Own("session:a", "s-1");
        Assert.False(isolation.TryReserveSession("session:b"));
        isolation.Release("session:a", "s-1");
        Assert.True(isolation.TryReserveSession("session:b"));
    }
}
