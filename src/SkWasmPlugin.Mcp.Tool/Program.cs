using System.CommandLine;
using SkWasmPlugin.Mcp;

// skwasm-mcp [--http [URL]] [--token TOKEN] [--allow-remote] [--store DIR]: the sandbox as an MCP server.
var store = new Option<string?>("--store") { Description = "Folder for session workspaces (default: a folder under local app data)." };
var root = new RootCommand("Serve the SkWasmPlugin WebAssembly sandbox as Model Context Protocol tools (stdio by default).") { store };
SkWasmMcpCommand.Configure(root, store);
return await SkWasmMcpCommand.InvokeAsync(root, args, "skwasm-mcp");
