// Sessions on an Orleans cluster, served over MCP. Each process started with this sample is one silo of a local
// cluster (localhost clustering: the first process is the primary on port 11111, the others join it) and an MCP HTTP
// front end over the whole cluster. Sessions live in one shared folder, so a session created through one process
// answers through any other, and moves to a surviving process when its own stops.
//
//   dotnet run --project samples/Step08_ClusterMcp -- 0          # silo 0, MCP on http://127.0.0.1:5300
//   dotnet run --project samples/Step08_ClusterMcp -- 1          # silo 1, MCP on http://127.0.0.1:5301
//   dotnet run --project samples/Step08_ClusterMcp -- --demo     # one silo, one session through the cluster, exit
//
// Offline; no model. Production set-up (Azure Table clustering, Blob storage): src/SkWasmPlugin.Orleans/README.md.
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SkWasmPlugin.Mcp;
using SkWasmPlugin.Orleans;
using SkWasmPlugin.Sandbox;

bool demo = args.Contains("--demo");
int index = demo ? 0 : args.Length > 0 && int.TryParse(args[0], out int n) && n is >= 0 and < 10 ? n : 0;
string store = Path.Combine(Path.GetTempPath(), "skwasm-step08-sessions");

var builder = Host.CreateApplicationBuilder(); // with the console lifetime: Ctrl+C and SIGTERM stop the silo gracefully
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(siloPort: 11111 + index, gatewayPort: 30000 + index, primarySiloEndpoint: new IPEndPoint(IPAddress.Loopback, 11111));
    silo.Services.AddSingleton<IWorkspaceStorage>(new LocalWorkspaceStorage(store));
    silo.AddWasmSandbox();
});
using var host = builder.Build();
await host.StartAsync();
var cluster = host.Services.GetRequiredService<ICodeSandbox>(); // the cluster's sandbox (ClusterCodeSandbox)

if (demo)
{
    var session = await cluster.Sessions.CreateAsync();
    await cluster.ExecuteAsync(new ExecutionRequest(Language.Python, "total = 40") { SessionId = session.Id });
    var result = await cluster.ExecuteAsync(new ExecutionRequest(Language.Python, "total += 2\ntotal") { SessionId = session.Id });
    Console.WriteLine($"session {session.Id} on the cluster: total = {result.Result}");
    await cluster.Sessions.DestroyAsync(session.Id);
    await host.StopAsync();
    return result.Result == "42" ? 0 : 1;
}

await using var mcp = await SkWasmMcpServer.StartHttpAsync($"http://127.0.0.1:{5300 + index}", new SkWasmMcpServerOptions { Sandbox = cluster });
Console.WriteLine($"silo {index} up; MCP over the cluster at {mcp.Endpoint} (Ctrl+C stops this silo; its sessions move to another)");
await host.WaitForShutdownAsync();
return 0;
