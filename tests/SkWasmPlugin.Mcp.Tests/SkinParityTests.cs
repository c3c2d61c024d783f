using System.Text.Json;
using Microsoft.SemanticKernel;
using SkWasmPlugin.AI;
using SkWasmPlugin.SemanticKernel;

namespace SkWasmPlugin.Mcp.Tests;

/// <summary>Every skin exposes the one tool set: the same tools, descriptions, parameters and required parameters.</summary>
[Collection(McpCollection.Name)]
public sealed class SkinParityTests(McpFixture fixture)
{
    private sealed record Shape(string Description, IReadOnlyList<string> Parameters, IReadOnlyList<string> Required);

    [Fact]
    public async Task MEAI_SemanticKernel_and_MCP_expose_the_same_tools_with_the_same_parameters()
    {
        var meai = WasmSandboxTools.Create(fixture.Sandbox).ToDictionary(t => t.Name, t => ShapeOf(t.Description, t.JsonSchema));

        var plugin = WasmCodeInterpreterPlugin.Create(WasmSandboxTools.Create(fixture.Sandbox));
        var sk = plugin.ToDictionary(f => f.Name, f => new Shape(f.Description,
            [.. f.Metadata.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal)],
            [.. f.Metadata.Parameters.Where(p => p.IsRequired).Select(p => p.Name).Order(StringComparer.Ordinal)]));

        var mcp = (await fixture.Stdio.ListToolsAsync()).ToDictionary(t => t.Name, t => ShapeOf(t.Description, t.JsonSchema));

        Assert.Equal(WasmSandboxTools.Names.Order(StringComparer.Ordinal), meai.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in meai)
        {
            foreach (var (skin, tools) in new[] { ("Semantic Kernel", sk), ("MCP", mcp) })
            {
                Assert.True(tools.TryGetValue(name, out var other), $"{skin} lacks {name}");
                Assert.Equal(shape.Description, other.Description);
                Assert.Equal(shape.Parameters, other.Parameters);
                Assert.Equal(shape.Required, other.Required);
            }
        }
        Assert.Equal(meai.Count, sk.Count);
        Assert.Equal(meai.Count, mcp.Count);
        // One spelling of the session parameter everywhere.
        Assert.All(meai.Values.SelectMany(s => s.Parameters), p => Assert.DoesNotContain('_', p));
    }

    private static Shape ShapeOf(string description, JsonElement schema) => new(description,
        [.. (schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(o => o.Name) : []).Order(StringComparer.Ordinal)],
        [.. (schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!) : []).Order(StringComparer.Ordinal)]);
}
