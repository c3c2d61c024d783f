using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using SkiaSharp;
using SkWasmPlugin.AI;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>What a run draws comes back to the model: the chart as an image in the next request.</summary>
[Collection(SandboxCollection.Name)]
public sealed class ImageResultTests(SandboxFixture fixture)
{
    private const string PygalChart = """
        import pygal
        chart = pygal.Bar(title='Units by region', width=600, height=400)
        for region, units in [('North', 120), ('South', 80), ('East', 150)]:
            chart.add(region, [units])
        chart.render_to_file('chart.svg')
        print('saved')
        """;

    [Fact]
    public async Task A_pygal_chart_reaches_the_next_request_as_png_bytes()
    {
        var scripted = new ScriptedChatClient()
            .CallTool("execute_python", new Dictionary<string, object?> { ["code"] = PygalChart })
            .Reply("Here is the chart.");
        using var client = new ChatClientBuilder(scripted).UseFunctionInvocation().Build();

        await client.GetResponseAsync("Draw units by region.", new ChatOptions { Tools = WasmSandboxTools.Create(fixture.Sandbox).AsAITools() });

        var result = scripted.Requests[1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single();
        var contents = Assert.IsAssignableFrom<IEnumerable<AIContent>>(result.Result).ToList();
        var json = JsonNode.Parse(contents.OfType<TextContent>().Single().Text)!;
        Assert.Equal("success", (string?)json["outcome"]);
        Assert.Equal("chart.svg", (string?)json["images"]![0]!["path"]);
        Assert.Equal("image/svg+xml", (string?)json["images"]![0]!["renderedFrom"]);
        var image = contents.OfType<DataContent>().Single();
        Assert.Equal("image/png", image.MediaType);
        using var bitmap = SKBitmap.Decode(image.Data.ToArray());
        Assert.Equal((600, 400), (bitmap.Width, bitmap.Height));
        // Not a blank canvas: pygal's bars are coloured.
        int coloured = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 60) coloured++;
            }
        Assert.True(coloured > 1000, $"{coloured} coloured pixels");
        if (Environment.GetEnvironmentVariable("SKWASM_SAVE_TEST_IMAGES") is { Length: > 0 } dir)
            File.WriteAllBytes(Path.Combine(dir, "pygal-chart.png"), image.Data.ToArray());
    }

    [Fact]
    public async Task Shown_images_come_first_and_the_count_is_capped_with_a_note()
    {
        var tools = WasmSandboxTools.Create(fixture.Sandbox, new CodeInterpreterOptions { Images = new() { MaxImages = 2 } });
        var result = await tools["execute_python"].InvokeToolAsync(new AIFunctionArguments(new Dictionary<string, object?>
        {
            ["code"] = """
                import sandbox_utils
                for i in range(5):
                    open(f'dot{i}.svg', 'w').write(f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="{i + 1}" cx="5" cy="5"/></svg>')
                sandbox_utils.show('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="20" height="20" fill="red"/></svg>')
                """,
        }));
        Assert.Equal(2, result.Images.Count);
        Assert.StartsWith(".skwasm/show/", result.Images[0].Name);
        Assert.Contains(result.Value.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("Only the first 2 images"));
    }

    [Fact]
    public async Task A_hostile_svg_is_a_note_not_a_failure()
    {
        var tools = WasmSandboxTools.Create(fixture.Sandbox);
        var result = await tools["execute_python"].InvokeToolAsync(new AIFunctionArguments(new Dictionary<string, object?>
        {
            ["code"] = "open('bad.svg', 'w').write('<!DOCTYPE svg [<!ENTITY a \"aaaa\">]><svg xmlns=\"http://www.w3.org/2000/svg\">&a;</svg>')\nprint('ok')",
        }));
        Assert.False(result.IsError);
        Assert.Empty(result.Images);
        Assert.Equal("success", result.Value.GetProperty("outcome").GetString());
        Assert.Contains(result.Value.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("bad.svg was not sent back"));
    }

    [Fact]
    public async Task Caps_hold_against_a_huge_svg_and_thousands_of_files()
    {
        var tools = WasmSandboxTools.Create(fixture.Sandbox);
        var big = await tools["execute_code"].InvokeToolAsync(new AIFunctionArguments(new Dictionary<string, object?>
        {
            ["language"] = "python",
            ["code"] = "body = '<rect width=\"1\" height=\"1\"/>' * 700000\nopen('huge.svg', 'w').write('<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">' + body + '</svg>')",
            ["memoryMb"] = 256,
        }));
        Assert.Equal("success", big.Value.GetProperty("outcome").GetString());
        Assert.Empty(big.Images);
        Assert.Contains(big.Value.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("huge.svg"));

        var many = await tools["execute_python"].InvokeToolAsync(new AIFunctionArguments(new Dictionary<string, object?>
        {
            ["code"] = "for i in range(900):\n    open(f'f{i}.svg', 'w').write('<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>')",
        }));
        Assert.True(many.Value.GetProperty("filesTruncated").GetBoolean());
        Assert.Equal(100, many.Value.GetProperty("files").GetArrayLength());
        Assert.Equal(4, many.Images.Count);
        Assert.True(many.Json.Length < 64 * 1024, $"{many.Json.Length} characters");
    }

    [Fact]
    public async Task The_last_expression_and_peak_memory_are_in_the_tool_json()
    {
        var tools = WasmSandboxTools.Create(fixture.Sandbox);
        var result = await tools["execute_python"].InvokeToolAsync(new AIFunctionArguments(new Dictionary<string, object?> { ["code"] = "values = [3, 1, 2]\nsorted(values)" }));
        Assert.Equal("[1, 2, 3]", result.Value.GetProperty("result").GetString());
        Assert.True(result.Value.GetProperty("peakMemoryBytes").GetInt64() > 1_000_000);
        var js = await tools["execute_javascript"].InvokeToolAsync(new AIFunctionArguments(new Dictionary<string, object?> { ["code"] = "[1, 2].map(x => x * 21)" }));
        Assert.Contains("42", js.Value.GetProperty("result").GetString());
    }
}
