// Step 7: a chart from a CSV file. The model gets data/sales.csv through the hosted code-interpreter tool, served
// locally by UseWasmCodeInterpreter: it writes pygal code, the sandbox runs it, the SVG comes back rendered as PNG, and
// the sample saves it. With no model configured (or with --offline) a fixed program draws the same chart.
// dotnet run --project samples/Step07_ChartFromCsv -- [--offline] [chart.png]
using Microsoft.Extensions.AI;
using SkWasmPlugin.AI;
using SkWasmPlugin.Samples;
using SkWasmPlugin.Sandbox;

const string FixedProgram = """
    import csv
    from collections import defaultdict
    import pygal

    totals = defaultdict(int)
    for row in csv.DictReader(open('sales.csv')):
        totals[row['region']] += int(row['units'])

    chart = pygal.Bar(title='Units sold by region', width=800, height=500, show_legend=False)
    chart.x_labels = sorted(totals)
    chart.add('units', [totals[r] for r in sorted(totals)])
    chart.render_to_file('chart.svg')
    dict(sorted(totals.items()))
    """;

string output = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "chart.png";
byte[] csv = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", "sales.csv"));
await using var sandbox = new WasmCodeSandbox();
var configured = args.Contains("--offline") ? null : ChatClientFactory.FromEnvironment();

DataContent? chart;
if (configured is null)
{
    Console.Error.WriteLine("No model configured (or --offline): running the fixed charting program.");
    var session = await sandbox.Sessions.CreateAsync();
    await sandbox.Sessions.WriteFileAsync(session.Id, "sales.csv", csv);
    var result = await WasmSandboxTools.Create(sandbox)["execute_python"].InvokeToolAsync(new AIFunctionArguments(new Dictionary<string, object?>
    {
        ["code"] = FixedProgram,
        ["sessionId"] = session.Id,
    }));
    Console.WriteLine(result.Value.TryGetProperty("result", out var totals) ? "Totals: " + totals.GetString() : result.Json);
    chart = result.Images.FirstOrDefault();
    await sandbox.Sessions.DestroyAsync(session.Id);
}
else
{
    Console.Error.WriteLine($"Using {configured.Value.Description}.");
    using var client = new ChatClientBuilder(configured.Value.Client).UseWasmCodeInterpreter(sandbox).Build();
    var response = await client.GetResponseAsync(
        "sales.csv (columns date, region, product, units, price) is in the working directory. Draw a bar chart of the total " +
        "units by region with pygal and save it as chart.svg, then say which region sold most.",
        new ChatOptions { Tools = [new HostedCodeInterpreterTool { Inputs = [new DataContent(csv, "text/csv") { Name = "sales.csv" }] }] });
    Console.WriteLine(response.Text);
    chart = response.Messages.SelectMany(m => m.Contents).OfType<CodeInterpreterToolResultContent>()
        .SelectMany(r => r.Outputs ?? []).OfType<DataContent>().LastOrDefault(d => d.MediaType == "image/png");
}

if (chart is null)
{
    Console.Error.WriteLine("No chart came back.");
    return 1;
}
File.WriteAllBytes(output, chart.Data.ToArray());
Console.WriteLine($"Saved {output} ({chart.Data.Length:N0} bytes).");
return 0;
