using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using SkWasmPlugin.Orleans;
using SkWasmPlugin.Sandbox;

// Usage: SkWasmPlugin.ClusterBench [--calls N] [--seconds S] [--sessions K] [--idle M] [--warmup W]
// 1. The hop: a warm session call in-process against the same call through the cluster client, alternating rounds,
//    after W seconds (default 10) of both alternating.
// 2. Calls per second with 1 and with 3 silos (K sessions, each a caller in a loop, for S seconds).
// 3. Memory per idle session on a silo (M sessions that each ran one cell; process RSS before and after).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string? Opt(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
int calls = int.Parse(Opt("--calls") ?? "2000", CultureInfo.InvariantCulture);
int seconds = int.Parse(Opt("--seconds") ?? "10", CultureInfo.InvariantCulture);
int sessions = int.Parse(Opt("--sessions") ?? "16", CultureInfo.InvariantCulture);
int idle = int.Parse(Opt("--idle") ?? "200", CultureInfo.InvariantCulture);
int warmupSeconds = int.Parse(Opt("--warmup") ?? "10", CultureInfo.InvariantCulture);
string root = Path.Combine(Path.GetTempPath(), "skwasm-cluster-bench-" + Guid.NewGuid().ToString("N"));
string cache = Path.Combine(Path.GetTempPath(), "skwasm-bench-module-cache");
void Configure(SandboxOptions o, string name)
{
    o.ModuleCachePath = cache;
    o.ScratchPath = Path.Combine(root, "scratch-" + name);
}

Console.WriteLine($"# cluster bench {DateTime.UtcNow:u}, {Environment.ProcessorCount} cores; silos and client hosts in this process, loopback TCP");

// 1. The hop.
{
    var local = new SandboxOptions { Sessions = new SessionManagerOptions { StoragePath = Path.Combine(root, "local") } };
    Configure(local, "local");
    await using var inProcess = new WasmCodeSandbox(local);
    await using var cluster = await Cluster.StartAsync(1, root, Configure);
    string a = (await inProcess.Sessions.CreateAsync()).Id;
    string b = (await cluster.Sandbox.Sessions.CreateAsync()).Id;
    foreach (var (s, id) in new[] { ((ICodeSandbox)inProcess, a), (cluster.Sandbox, b) })
        for (int i = 0; i < 200; i++) await Call(s, id, i == 0 ? "n = 0" : "n += 1");
    // A warm call, as a server that has been running serves it: the cluster path takes seconds of calls to reach its
    // steady state (JIT tiers of the Orleans messaging code, the thread pool settling), the in-process one much less.
    // Both are called, alternating, for --warmup seconds first; the cluster path's p50 per block shows the curve.
    var curve = new List<string>();
    var warming = Stopwatch.StartNew();
    while (warming.Elapsed.TotalSeconds < warmupSeconds)
    {
        curve.Add(Percentile(await Time(cluster.Sandbox, b, 400), 50).ToString("F3", CultureInfo.InvariantCulture));
        await Time(inProcess, a, 400);
    }
    Console.WriteLine($"warm-up ({warmupSeconds} s): cluster client p50 per block of 400 calls: {string.Join(" ", curve)}");
    var inTimes = new List<double>();
    var clusterTimes = new List<double>();
    for (int round = 0; round < 10; round++)
    {
        inTimes.AddRange(await Time(inProcess, a, calls / 10));
        clusterTimes.AddRange(await Time(cluster.Sandbox, b, calls / 10));
    }
    // Where the hop goes: an empty grain call (messaging alone), and the same session call from inside a silo (an
    // app co-hosted in the silo: no client-to-gateway connection).
    var grain = cluster.Client.GetGrain<ISandboxSessionGrain>(b);
    var empty = new List<double>();
    for (int i = 0; i < calls; i++)
    {
        long t = Stopwatch.GetTimestamp();
        await grain.GetSiloAsync();
        empty.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    }
    var info = new List<double>();
    for (int i = 0; i < calls; i++)
    {
        long t = Stopwatch.GetTimestamp();
        await grain.GetAsync();
        info.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    }
    Console.WriteLine($"session_info_grain_call_p50_ms\t{Percentile(info, 50):F3}");
    var coHosted = new List<double>();
    for (int round = 0; round < 10; round++) coHosted.AddRange(await Time(cluster.SiloSandbox, b, calls / 10));
    Console.WriteLine($"empty_grain_call_p50_ms\t{Percentile(empty, 50):F3}");
    Console.WriteLine($"warm_call_co_hosted_in_silo_p50_ms\t{Percentile(coHosted, 50):F3}");
    double p50In = Percentile(inTimes, 50), p50Cluster = Percentile(clusterTimes, 50);
    Console.WriteLine($"warm_call_in_process_p50_ms\t{p50In:F3}\tp99\t{Percentile(inTimes, 99):F3}");
    Console.WriteLine($"warm_call_cluster_client_p50_ms\t{p50Cluster:F3}\tp99\t{Percentile(clusterTimes, 99):F3}");
    Console.WriteLine($"hop_p50_ms\t{p50Cluster - p50In:F3}\t(goal <= 0.3)\t{(p50Cluster - p50In <= 0.3 ? "PASS" : "FAIL")}");
}

// 2. Throughput, 1 and 3 silos.
foreach (short silos in new short[] { 1, 3 })
{
    await using var cluster = await Cluster.StartAsync(silos, root, Configure);
    var ids = new List<string>();
    for (int i = 0; i < sessions; i++)
    {
        string id = (await cluster.Sandbox.Sessions.CreateAsync()).Id;
        await Call(cluster.Sandbox, id, "n = 0");
        ids.Add(id);
    }
    long done = 0;
    var until = Stopwatch.StartNew();
    await Task.WhenAll(ids.Select(id => Task.Run(async () =>
    {
        long mine = 0;
        while (until.Elapsed.TotalSeconds < seconds)
        {
            await Call(cluster.Sandbox, id, "n += 1");
            mine++;
        }
        Interlocked.Add(ref done, mine);
        var check = await cluster.Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "print(n)") { SessionId = id });
        if (check.Stdout.Trim() != mine.ToString(CultureInfo.InvariantCulture)) throw new InvalidOperationException($"state wrong: {check.Stdout} after {mine}");
    })));
    Console.WriteLine($"calls_per_second_{silos}_silo{(silos > 1 ? "s" : "")}\t{done / until.Elapsed.TotalSeconds:F0}\t({sessions} sessions, {seconds} s, state checked)");
}

// 3. Memory per idle session on a silo.
{
    await using var cluster = await Cluster.StartAsync(1, root, Configure);
    await Call(cluster.Sandbox, null, "import json");
    string warm = (await cluster.Sandbox.Sessions.CreateAsync()).Id;
    await Call(cluster.Sandbox, warm, "x = 1");
    long before = Rss();
    for (int i = 0; i < idle; i++)
    {
        string id = (await cluster.Sandbox.Sessions.CreateAsync()).Id;
        await Call(cluster.Sandbox, id, $"x = {i}\ndata = list(range(100))");
    }
    GC.Collect();
    GC.WaitForPendingFinalizers();
    await Task.Delay(500);
    long after = Rss();
    Console.WriteLine($"idle_session_on_silo_mb\t{(after - before) / (double)idle / (1024 * 1024):F2}\t({idle} Python sessions, RSS {before / (1024 * 1024)} -> {after / (1024 * 1024)} MB)");
}
try { Directory.Delete(root, recursive: true); } catch (IOException) { }
return 0;

static async Task Call(ICodeSandbox sandbox, string? session, string code)
{
    var r = await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code) { SessionId = session });
    if (!r.IsSuccess) throw new InvalidOperationException($"{r.Outcome}: {r.Stderr}");
}

static async Task<List<double>> Time(ICodeSandbox sandbox, string session, int n)
{
    var times = new List<double>(n);
    for (int i = 0; i < n; i++)
    {
        long t = Stopwatch.GetTimestamp();
        await Call(sandbox, session, "n += 1");
        times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    }
    return times;
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

static long Rss()
{
    foreach (string line in File.ReadLines("/proc/self/status"))
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    return 0;
}

/// <summary>
/// A cluster on loopback TCP: silo hosts with localhost clustering (the first the primary) over one local session
/// store, and a client host connected to every gateway, all in this process.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    private readonly List<IHost> _silos;
    private readonly IHost _client;

    private Cluster(List<IHost> silos, IHost client)
    {
        _silos = silos;
        _client = client;
        Sandbox = client.Services.GetRequiredService<ClusterCodeSandbox>();
    }

    public ClusterCodeSandbox Sandbox { get; }

    public IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    /// <summary>The cluster's sandbox as an app co-hosted in the first silo sees it.</summary>
    public ICodeSandbox SiloSandbox => _silos[0].Services.GetRequiredService<ICodeSandbox>();

    public static async Task<Cluster> StartAsync(short silos, string root, Action<SandboxOptions, string> configure)
    {
        string id = "bench" + Guid.NewGuid().ToString("N")[..8];
        var shared = new LocalWorkspaceStorage(Path.Combine(root, "store-" + id));
        int primary = FreePort();
        var hosts = new List<IHost>();
        var gateways = new List<int>();
        for (int i = 0; i < silos; i++)
        {
            int siloPort = i == 0 ? primary : FreePort(), gatewayPort = FreePort();
            string name = $"{id}-silo{i}";
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, primary), "skwasm-bench", id);
                silo.Services.AddSingleton<IWorkspaceStorage>(shared);
                silo.AddWasmSandbox(o => configure(o, name));
            });
            var host = builder.Build();
            await host.StartAsync();
            hosts.Add(host);
            gateways.Add(gatewayPort);
        }
        var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        clientBuilder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering([.. gateways], "skwasm-bench", id);
            client.AddWasmSandboxClient();
        });
        var clientHost = clientBuilder.Build();
        await clientHost.StartAsync();
        return new Cluster(hosts, clientHost);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in new[] { _client }.Concat(Enumerable.Reverse(_silos)))
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
