// Step 5: the self-correcting repair loop over a set of tasks (samples/data/tasks/*.json), with a table of
// attempts per task. dotnet run --project samples/Step05_CodeRepairLoop [-- TASK_NAME ...]
using System.Text.Json;
using SkWasmPlugin.AI;
using SkWasmPlugin.Samples;
using SkWasmPlugin.Sandbox;
using Spectre.Console;

var model = ChatClientFactory.RequireOrExit();
await using var sandbox = new WasmCodeSandbox();
var loop = new CodeRepairLoop(model, sandbox, new CodeRepairOptions { MaxAttempts = 3, InitialFuel = 500_000_000 });

string folder = Path.Combine(AppContext.BaseDirectory, "tasks");
var files = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal)
    .Where(f => args.Length == 0 || args.Contains(Path.GetFileNameWithoutExtension(f))).ToList();
var table = new Table().AddColumns("task", "language", "attempts", "verdict", "history");
foreach (string file in files)
{
    var spec = JsonSerializer.Deserialize<TaskSpec>(File.ReadAllText(file), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    var task = new CodeRepairTask(spec.Task, Languages.Parse(spec.Language))
    {
        Stdin = spec.Stdin,
        ExpectedOutput = spec.ExpectedOutput,
        TestCode = spec.Tests,
    };
    var result = await loop.RunAsync(task);
    table.AddRow(Markup.Escape(Path.GetFileNameWithoutExtension(file)), spec.Language, result.Attempts.Count.ToString(),
        result.Succeeded ? "[green]succeeded[/]" : $"[red]{result.Verdict}[/]", Markup.Escape(string.Join("\n", result.History)));
}
AnsiConsole.Write(table);

internal sealed record TaskSpec(string Task, string Language, string? Stdin, string? ExpectedOutput, string? Tests);
