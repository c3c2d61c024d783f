using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SkWasmPlugin.Benchmarks;

// MCP streamable HTTP under load, loopback only, bounded in clients, calls and time.
//   run   --server PATH [--shape CxK]... [--lang python|javascript] [--warmup CxK] [--deadline-s S] [--default-limits] [--out F]
//         PATH is the built CLI (skwasm.dll, run with dotnet, or a native skwasm), or 'self' for this program's serve mode
//         (--serve-arg ARG passes ARG on to it). Each shape gets a new server child process (honest RSS): one unmeasured
//         warm-up round, then C clients (each its own MCP session and sandbox session) call execute_code K times each,
//         all at once, closed loop; every answer must print the client's counter.
//   serve --http URL --store DIR [--checkpoint-delay-ms N] [--max-calls-between-checkpoints N] [--no-persist]
//         [--max-sessions-per-client N] [--max-concurrent-executions-per-client N] [--max-concurrent-executions N]
//         [--log-level LEVEL]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0 || args[0] is not ("run" or "serve"))
{
    Console.Error.WriteLine("usage: SkWasmPlugin.McpLoad run --server PATH|self [--shape CxK]... [--lang L] [--out F] | serve --http URL --store DIR [...] (see Program.cs)");
    return 2;
}
var rest = args.Skip(1).ToArray();
string? Opt(string name) => Array.IndexOf(rest, name) is int i and >= 0 && i + 1 < rest.Length ? rest[i + 1] : null;
string[] All(string name) => [.. rest.Where((_, i) => i > 0 && rest[i - 1] == name)];
int IntOpt(string name, int fallback) => Opt(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

if (args[0] == "serve") return await LoadServer.ServeAsync(Opt, rest.Contains("--no-persist"));

const int MaxClients = 500, MaxCalls = 1000, MaxTotalCalls = 50_000;
string server = Opt("--server") ?? throw new ArgumentException("--server PATH (skwasm.dll or skwasm) or 'self' is required");
string lang = Opt("--lang") ?? "python";
if (lang is not ("python" or "javascript")) throw new ArgumentException("--lang python|javascript");
var shapes = (All("--shape") is { Length: > 0 } s ? s : ["40x25", "100x20"]).Select(Shape.Parse).ToList();
// The server's first calls run .NET's first-tier code (its JIT promotes hot methods after thousands of calls, the
// Orleans bench found the same): the default warm-up round of 10,000 calls measures the steady state; its own figures
// are kept as an info row (a server's first seconds).
var warm = Shape.Parse(Opt("--warmup") ?? "100x100");
foreach (var shape in shapes.Append(warm))
    if (shape.Clients is < 1 or > MaxClients || shape.Calls is < 1 or > MaxCalls || shape.Clients * shape.Calls > MaxTotalCalls)
        throw new ArgumentException($"shape {shape} is out of bounds (clients 1-{MaxClients}, calls 1-{MaxCalls}, at most {MaxTotalCalls} calls)");
var deadline = TimeSpan.FromSeconds(IntOpt("--deadline-s", 300));
bool defaultLimits = rest.Contains("--default-limits");
string label = Opt("--label") ?? "";

using var stop = new CancellationTokenSource(deadline);
var rows = new List<Row>();
foreach (var shape in shapes)
{
    // Every client from 127.0.0.1 without a token is one principal: raise its limits to fit the whole load
    // (sessions of the warm-up round are destroyed when its MCP sessions end, but leave room anyway).
    string[] limits = defaultLimits ? [] :
    [
        "--max-sessions-per-client", (shape.Clients + warm.Clients + 10).ToString(CultureInfo.InvariantCulture),
        "--max-concurrent-executions-per-client", Math.Max(shape.Clients, warm.Clients).ToString(CultureInfo.InvariantCulture),
    ];
    await using var child = await LoadServer.StartAsync(server, limits, All("--serve-arg"), stop.Token);
    Console.Error.WriteLine($"mcp-load: server pid {child.Pid} at {child.Endpoint} ({string.Join(' ', limits)})");
    var warmResult = await LoadRound.RunAsync(child, warm, lang, stop.Token);
    Console.Error.WriteLine($"mcp-load: warm-up {warm}: {warmResult.Describe()}");
    rows.Add(Row.Latency($"mcp http {lang} warm-up {warm} (a new server's first calls)", Summary.Of(warmResult.LatenciesMs), Judge.None, double.NaN, "info", "-",
        string.Create(CultureInfo.InvariantCulture, $"{warmResult.CallsPerSecond:0} calls/s, {warmResult.Ok}/{warmResult.Expected} right; server CPU {warmResult.ServerCpuMsPerCall:0.###} ms/call, client CPU {warmResult.ClientCpuMsPerCall:0.###} ms/call")));
    var r = await LoadRound.RunAsync(child, shape, lang, stop.Token);
    Console.Error.WriteLine($"mcp-load: {shape} {lang}: {r.Describe()}");
    string name = $"mcp http {lang} {shape.Clients} clients x {shape.Calls}{(label.Length > 0 ? " " + label : "")}";
    bool judged = shape.Clients >= 100;
    var lat = Summary.Of(r.LatenciesMs);
    rows.Add(Row.Latency(name + " latency", lat, judged ? Judge.P99AtMost : Judge.None, 100, judged ? "p99 <= 100 ms" : "info", "-",
        string.Create(CultureInfo.InvariantCulture,
            $"{r.Ok}/{r.Expected} answers right, {r.Wrong} wrong, {r.Errors} errors{r.ErrorKinds()}; each client's calls after its first: p50 {Summary.Of(r.LaterMs).P50:0.#} p99 {Summary.Of(r.LaterMs).P99:0.#} ms; sandbox durationMs p50 {r.SandboxP50:0.###}; server CPU {r.ServerCpuMsPerCall:0.###} ms/call, client CPU {r.ClientCpuMsPerCall:0.###} ms/call")));
    rows.Add(Row.Value(name + " throughput", "calls/s", r.CallsPerSecond, judged ? Judge.ValueAtLeast : Judge.None, 600, judged ? ">= 600 calls/s" : "info"));
    rows.Add(Row.Value(name + " wrong or failed answers", "calls", r.Expected - r.Ok, Judge.ValueAtMost, 0, "0"));
    rows.Add(Row.Value(name + " server peak RSS", "MB", r.PeakRssMb, Judge.None, double.NaN, "info",
        string.Create(CultureInfo.InvariantCulture, $"RSS {r.RssBeforeMb:0.0} MB with the clients connected and idle before the round, {r.RssAfterMb:0.0} MB 2 s after they left")));
}
Row.Append(Opt("--out"), rows);
return rows.Any(r => r.Passed == false && r.Case.EndsWith("answers", StringComparison.Ordinal)) ? 1 : 0;

internal readonly record struct Shape(int Clients, int Calls)
{
    public static Shape Parse(string s)
    {
        var parts = s.Split('x');
        if (parts.Length != 2) throw new ArgumentException($"shape '{s}' is not CLIENTSxCALLS");
        return new Shape(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    public override string ToString() => $"{Clients}x{Calls}";
}

/// <summary>One round: connect every client and create its session, then all call at once; results checked.</summary>
internal sealed class LoadRound
{
    public List<double> LatenciesMs { get; } = [];
    public List<double> SandboxMs { get; } = [];
    /// <summary>Latencies of every call but each client's first (which makes its session's interpreter live).</summary>
    public List<double> LaterMs { get; } = [];
    public int Expected { get; private set; }
    public int Ok { get; private set; }
    public int Wrong { get; private set; }
    public int Errors { get; private set; }
    public Dictionary<string, int> Kinds { get; } = [];
    public double CallsPerSecond { get; private set; }
    public double PeakRssMb { get; private set; }
    public double RssBeforeMb { get; private set; }
    public double RssAfterMb { get; private set; }
    public double ServerCpuMsPerCall { get; private set; }
    public double ClientCpuMsPerCall { get; private set; }
    public double SandboxP50 => SandboxMs.Count == 0 ? double.NaN : Summary.Of(SandboxMs).P50;

    public string ErrorKinds() => Kinds.Count == 0 ? "" : " (" + string.Join(", ", Kinds.Select(k => $"{k.Key}: {k.Value}")) + ")";

    public string Describe() => LatenciesMs.Count == 0 ? $"no answers; errors {Errors}{ErrorKinds()}" :
        string.Create(CultureInfo.InvariantCulture,
            $"{Summary.Of(LatenciesMs)}; calls after the first p50 {Summary.Of(LaterMs).P50:0.###} p99 {Summary.Of(LaterMs).P99:0.###}; {CallsPerSecond:0} calls/s; right {Ok}/{Expected}, wrong {Wrong}, errors {Errors}{ErrorKinds()}; sandbox p50 {SandboxP50:0.###} ms; server CPU {ServerCpuMsPerCall:0.###} ms/call, client CPU {ClientCpuMsPerCall:0.###} ms/call; RSS before {RssBeforeMb:0.0} peak {PeakRssMb:0.0} after {RssAfterMb:0.0} MB");

    private static string Code(string lang) => lang == "python"
        ? "n = globals().get('n', 0) + 1\nprint(n)"
        : "globalThis.n = (globalThis.n ?? 0) + 1;\nconsole.log(globalThis.n);";

    public static async Task<LoadRound> RunAsync(LoadServer server, Shape shape, string lang, CancellationToken ct)
    {
        var round = new LoadRound { Expected = shape.Clients * shape.Calls };
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { Timeout = TimeSpan.FromSeconds(60) };
        var clients = new McpClient?[shape.Clients];
        var sessions = new string?[shape.Clients];
        object gate = new();
        void Fail(string kind)
        {
            lock (gate)
            {
                round.Errors++;
                round.Kinds[kind] = round.Kinds.GetValueOrDefault(kind) + 1;
            }
        }
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, shape.Clients), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
            {
                var transport = new HttpClientTransport(new HttpClientTransportOptions
                {
                    Endpoint = server.Endpoint,
                    TransportMode = HttpTransportMode.StreamableHttp,
                    Name = "load-" + i,
                }, http, ownsHttpClient: false);
                var client = await McpClient.CreateAsync(transport, cancellationToken: token);
                clients[i] = client;
                var created = await client.CallToolAsync("create_session", new Dictionary<string, object?> { ["language"] = lang }, cancellationToken: token);
                if (created.IsError == true || created.StructuredContent is not { } value || !value.TryGetProperty("sessionId", out var id))
                    Fail("create_session: " + Kind(created));
                else
                    sessions[i] = id.GetString();
            });
            round.RssBeforeMb = server.RssMb();
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                double peak = 0;
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, server.RssMb());
                    try { await Task.Delay(10, sampling.Token); } catch (OperationCanceledException) { }
                }
                return Math.Max(peak, server.RssMb());
            }, CancellationToken.None);
            var serverCpu0 = server.CpuTime();
            var clientCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            var latencies = new List<double>[shape.Clients];
            var inSandbox = new List<double>[shape.Clients];
            int ok = 0, wrong = 0;
            await Task.WhenAll(Enumerable.Range(0, shape.Clients).Select(i => Task.Run(async () =>
            {
                latencies[i] = new List<double>(shape.Calls);
                inSandbox[i] = new List<double>(shape.Calls);
                if (clients[i] is not { } client || sessions[i] is not { } session) return;
                for (int call = 1; call <= shape.Calls; call++)
                {
                    var arguments = new Dictionary<string, object?> { ["language"] = lang, ["code"] = Code(lang), ["sessionId"] = session };
                    long t0 = Stopwatch.GetTimestamp();
                    CallToolResult result;
                    try
                    {
                        result = await client.CallToolAsync("execute_code", arguments, cancellationToken: ct);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        Fail("exception " + ex.GetType().Name);
                        continue;
                    }
                    latencies[i].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    if (result.IsError == true || result.StructuredContent is not { } value)
                    {
                        Fail(Kind(result));
                        continue;
                    }
                    if (value.TryGetProperty("durationMs", out var d) && d.ValueKind == JsonValueKind.Number) inSandbox[i].Add(d.GetDouble());
                    bool right = value.TryGetProperty("stdout", out var stdout) && stdout.GetString() == call.ToString(CultureInfo.InvariantCulture) + "\n"
                        && value.TryGetProperty("outcome", out var outcome) && outcome.GetString() == "success";
                    if (right) Interlocked.Increment(ref ok);
                    else Interlocked.Increment(ref wrong);
                }
            }, ct)));
            double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var serverCpu = server.CpuTime() - serverCpu0;
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpu0;
            sampling.Cancel();
            round.PeakRssMb = await sampler;
            foreach (var l in latencies)
            {
                round.LatenciesMs.AddRange(l);
                round.LaterMs.AddRange(l.Skip(1));
            }
            foreach (var l in inSandbox) round.SandboxMs.AddRange(l);
            round.Ok = ok;
            round.Wrong = wrong;
            round.CallsPerSecond = round.LatenciesMs.Count / wall;
            round.ServerCpuMsPerCall = serverCpu.TotalMilliseconds / Math.Max(1, round.LatenciesMs.Count);
            round.ClientCpuMsPerCall = clientCpu.TotalMilliseconds / Math.Max(1, round.LatenciesMs.Count);
        }
        finally
        {
            // Ending each MCP session (HTTP DELETE) makes the server destroy the sandbox sessions it owned.
            foreach (var client in clients)
                if (client is not null)
                    try { await client.DisposeAsync(); } catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException) { }
            http.Dispose();
        }
        await Task.Delay(2000, CancellationToken.None);
        round.RssAfterMb = server.RssMb();
        return round;
    }

    private static string Kind(CallToolResult result) =>
        result.StructuredContent is { } v && v.TryGetProperty("kind", out var kind) ? kind.GetString() ?? "?" :
        result.StructuredContent is { } w && w.TryGetProperty("outcome", out var outcome) ? "outcome " + outcome.GetString() : "error";
}

/// <summary>The server: a child process on an ephemeral loopback port.</summary>
internal sealed partial class LoadServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _store;

    private LoadServer(Process process, Uri endpoint, string store)
    {
        _process = process;
        Endpoint = endpoint;
        _store = store;
    }

    public Uri Endpoint { get; }

    public int Pid => _process.Id;

    public static async Task<LoadServer> StartAsync(string server, string[] limits, string[] serveArgs, CancellationToken ct)
    {
        string store = Path.Combine(Path.GetTempPath(), "skwasm-mcp-load-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        string[] common = ["--http", "http://127.0.0.1:0", "--store", store, .. limits];
        if (server == "self")
        {
            start.FileName = Environment.ProcessPath!;
            if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet") start.ArgumentList.Add(typeof(LoadServer).Assembly.Location);
            foreach (var a in (string[])["serve", .. common, .. serveArgs]) start.ArgumentList.Add(a);
        }
        else
        {
            bool dll = server.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
            start.FileName = dll ? "dotnet" : server;
            if (dll) start.ArgumentList.Add(server);
            foreach (var a in (string[])["mcp", .. common]) start.ArgumentList.Add(a);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + server);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) { listening.TrySetException(new InvalidOperationException("the server exited before listening")); return; }
            if (Listening().Match(e.Data) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
            else if (e.Data.StartsWith("fail:", StringComparison.Ordinal) || e.Data.StartsWith("crit:", StringComparison.Ordinal)) Console.Error.WriteLine("server: " + e.Data);
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var endpoint = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        if (!IPAddress.TryParse(endpoint.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the server listens on {endpoint}, not loopback: refusing to load it");
        }
        return new LoadServer(process, endpoint, store);
    }

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex Listening();

    public double RssMb()
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return double.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException) { }
        return double.NaN;
    }

    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // SIGTERM: the host stops gracefully; killed if it has not within 10 s.
            if (!_process.HasExited) Posix.Kill(_process.Id, 15);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        finally
        {
            _process.Dispose();
            try { Directory.Delete(_store, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The serve mode: the library's HTTP host with sandbox settings the CLI does not expose (experiments).</summary>
    public static async Task<int> ServeAsync(Func<string, string?> opt, bool noPersist)
    {
        int? Int(string name) => opt(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;
        var options = new SkWasmPlugin.Mcp.SkWasmMcpServerOptions
        {
            StoragePath = opt("--store"),
            MaxSessionsPerClient = Int("--max-sessions-per-client") ?? 20,
            MaxConcurrentExecutionsPerClient = Int("--max-concurrent-executions-per-client") ?? 2,
            MinimumLogLevel = Enum.Parse<Microsoft.Extensions.Logging.LogLevel>(opt("--log-level") ?? "Information", ignoreCase: true),
            ConfigureSandbox = s =>
            {
                if (Int("--checkpoint-delay-ms") is { } delay) s.Sessions.CheckpointDelay = TimeSpan.FromMilliseconds(delay);
                if (Int("--max-calls-between-checkpoints") is { } calls) s.Sessions.MaxCallsBetweenCheckpoints = calls;
                if (Int("--max-concurrent-executions") is { } running) s.MaxConcurrentExecutions = running;
                if (noPersist) s.Sessions.PersistCheckpoints = false;
            },
        };
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        await using var server = await SkWasmPlugin.Mcp.SkWasmMcpServer.StartHttpAsync(opt("--http"), options, stop.Token);
        Console.Error.WriteLine($"serve: listening on {server.Endpoint}"); // whatever the log level
        await server.WaitForShutdownAsync(stop.Token);
        return 0;
    }
}

internal static class Posix
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    internal static extern int Kill(int pid, int signal);
}
