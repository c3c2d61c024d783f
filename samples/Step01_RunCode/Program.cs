// Step 1: run Python and JavaScript in the sandbox and read the structured results.
// Offline, no configuration: `dotnet run --project samples/Step01_RunCode`.
using SkWasmPlugin.Sandbox;
using Spectre.Console;

await using var sandbox = new WasmCodeSandbox();

(string Title, ExecutionRequest Request)[] programs =
[
    ("Python that succeeds", new(Language.Python, """
        import statistics, json
        data = [3, 1, 4, 1, 5, 9, 2, 6]
        print(json.dumps({"mean": statistics.mean(data), "max": max(data)}))
        """)),
    ("Python that raises", new(Language.Python, """
        prices = {"apple": 1.2, "pear": 0.8}
        total = prices["apple"] + prices["banana"]
        print(total)
        """)),
    ("Python that never ends", new(Language.Python, """
        n = 0
        while n >= 0:
            n += 1
        """) { Limits = new ExecutionLimits { Fuel = 200_000_000 } }),
    ("JavaScript that succeeds, reading stdin", new(Language.JavaScript, """
        const words = readStdin().trim().split(/\s+/);
        console.log(words.map(w => w[0].toUpperCase() + w.slice(1)).join(' '));
        """) { Stdin = "hello from the sandbox" }),
    ("JavaScript that throws", new(Language.JavaScript, """
        const user = { name: 'Ada' };
        console.log(usr.name);
        """)),
    ("JavaScript that never ends", new(Language.JavaScript, "let i = 0;\nwhile (true) { i++; }\n")
        { Limits = new ExecutionLimits { Fuel = 200_000_000 } }),
];

foreach (var (title, request) in programs)
{
    var result = await sandbox.ExecuteAsync(request);
    var colour = result.IsSuccess ? "green" : "red";
    var table = new Table().HideHeaders().AddColumns("", "").Border(TableBorder.Rounded)
        .Title($"[bold]{Markup.Escape(title)}[/]");
    table.AddRow("outcome", $"[{colour}]{result.Outcome}[/] in {result.DurationMs:0.##} ms");
    if (result.Stdout.Length > 0) table.AddRow("stdout", Markup.Escape(result.Stdout.TrimEnd()));
    var fuel = result.FuelAnalysis!;
    table.AddRow("fuel", $"{result.FuelConsumed:N0} of {result.FuelBudget:N0} ({fuel.UtilizationPercent}%, {fuel.Status})");
    if (fuel.SuggestedBudget is { } suggested) table.AddRow("fuel advice", Markup.Escape(fuel.Advice));
    if (result.Guidance is { } g)
    {
        table.AddRow("error", Markup.Escape($"{g.ErrorType}{(g.Line is { } line ? $" at line {line}" : "")}: {g.Message}"));
        if (g.CodeFrame is { } frame) table.AddRow("code", Markup.Escape(frame));
        table.AddRow("fix", Markup.Escape(g.Fix));
    }
    AnsiConsole.Write(table);
}
