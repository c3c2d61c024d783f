using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkWasmPlugin.Sandbox;
using Spectre.Console;

namespace SkWasmPlugin.Cli;

/// <summary><c>skwasm session list|show|files|destroy|prune</c>.</summary>
internal static class SessionCommands
{
    public static Command Create(Option<string?> store)
    {
        var command = new Command("session", "Manage sessions (state and /app files that persist between runs).");

        var list = new Command("list", "List sessions, most recently used first.");
        list.SetAction(async (parse, ct) =>
        {
            await using var sandbox = CliSandbox.Create(parse.GetValue(store));
            var sessions = await sandbox.Sessions.ListAsync(ct);
            var table = new Table().AddColumns("id", "languages", "runs", "last used (UTC)");
            foreach (var s in sessions)
                table.AddRow(Markup.Escape(s.Id), string.Join(", ", s.Languages), s.ExecutionCount.ToString(), s.LastUsedAt.ToString("u"));
            CliConsole.Stdout.Write(table);
            return 0;
        });

        var idArg = new Argument<string>("id") { Description = "Session id." };
        var show = new Command("show", "Show a session: files, quota use, packages, variables.") { idArg };
        show.SetAction(async (parse, ct) =>
        {
            await using var sandbox = CliSandbox.Create(parse.GetValue(store));
            string id = parse.GetValue(idArg)!;
            var info = await sandbox.Sessions.GetAsync(id, ct) ?? throw new SessionNotFoundException(id);
            var ws = await sandbox.Sessions.GetWorkspaceInfoAsync(id, ct);
            var both = new JsonObject
            {
                ["session"] = JsonSerializer.SerializeToNode(info, SandboxJson.TypeInfo<SessionInfo>()),
                ["workspace"] = JsonSerializer.SerializeToNode(ws, SandboxJson.TypeInfo<WorkspaceInfo>()),
            };
            Console.WriteLine(both.ToJsonString(SandboxJson.Indented));
            return 0;
        });

        var filesId = new Argument<string>("id") { Description = "Session id." };
        var files = new Command("files", "List the files of a session's workspace.") { filesId };
        files.SetAction(async (parse, ct) =>
        {
            await using var sandbox = CliSandbox.Create(parse.GetValue(store));
            var entries = await sandbox.Sessions.ListFilesAsync(parse.GetValue(filesId)!, null, ct);
            var table = new Table().AddColumns("path", "size", "modified (UTC)");
            foreach (var f in entries)
                table.AddRow(Markup.Escape(f.Path + (f.IsDirectory ? "/" : "")), f.IsDirectory ? "" : f.Size.ToString("N0"), f.LastModified.ToString("u"));
            CliConsole.Stdout.Write(table);
            return 0;
        });

        var destroyId = new Argument<string>("id") { Description = "Session id." };
        var destroy = new Command("destroy", "Delete a session, its state and its files.") { destroyId };
        destroy.SetAction(async (parse, ct) =>
        {
            await using var sandbox = CliSandbox.Create(parse.GetValue(store));
            string id = parse.GetValue(destroyId)!;
            if (!await sandbox.Sessions.DestroyAsync(id, ct)) throw new SessionNotFoundException(id);
            Console.WriteLine($"destroyed {id}");
            return 0;
        });

        var prune = new Command("prune", "Remove sessions idle past the TTL and the oldest above the maximum count.");
        prune.SetAction(async (parse, ct) =>
        {
            await using var sandbox = CliSandbox.Create(parse.GetValue(store));
            var report = await sandbox.Sessions.PruneAsync(ct);
            Console.WriteLine($"removed {report.Removed.Count}, kept {report.Remaining}");
            foreach (string id in report.Removed) Console.WriteLine($"  {id}");
            return 0;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        command.Subcommands.Add(files);
        command.Subcommands.Add(destroy);
        command.Subcommands.Add(prune);
        return command;
    }
}
