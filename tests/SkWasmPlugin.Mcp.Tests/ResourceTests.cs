using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SkWasmPlugin.AI;

namespace SkWasmPlugin.Mcp.Tests;

[Collection(McpCollection.Name)]
public sealed class ResourceTests(McpFixture fixture)
{
    [Fact]
    public async Task Session_files_are_resources_a_client_can_list_and_read_and_others_cannot()
    {
        await using var owner = await fixture.ConnectHttpAsync();
        string id = await ToolTests.CreateSessionAsync(owner);
        var run = await owner.CallToolAsync(ToolDescriptions.ExecuteCodeName, new Dictionary<string, object?>
        {
            ["language"] = "python", ["sessionId"] = id,
            ["code"] = "open('notes.txt', 'w').write('hello')\nopen('data.bin', 'wb').write(bytes(range(256)))",
        });
        var links = run.Content.OfType<ResourceLinkBlock>().ToList();
        Assert.Equal(["data.bin", "notes.txt"], links.Select(l => l.Name).Order());

        var templates = await owner.ListResourceTemplatesAsync();
        Assert.Contains(templates, t => t.UriTemplate.Contains(id));
        var resources = await owner.ListResourcesAsync();
        var notes = Assert.Single(resources, r => r.Uri == SessionFileResources.UriOf(id, "notes.txt"));
        Assert.Equal(5, notes.ProtocolResource.Size);

        var text = await owner.ReadResourceAsync(notes.Uri);
        Assert.Equal("hello", Assert.IsType<TextResourceContents>(Assert.Single(text.Contents)).Text);
        var blob = await owner.ReadResourceAsync(links.Single(l => l.Name == "data.bin").Uri);
        Assert.Equal(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), Assert.IsType<BlobResourceContents>(Assert.Single(blob.Contents)).DecodedData.ToArray());

        await using var intruder = await fixture.ConnectHttpAsync();
        Assert.DoesNotContain(await intruder.ListResourcesAsync(), r => r.Uri.Contains(id));
        await Assert.ThrowsAnyAsync<McpException>(() => intruder.ReadResourceAsync(notes.Uri).AsTask());
        await Assert.ThrowsAnyAsync<McpException>(() => owner.ReadResourceAsync("skwasm://sessions/" + id + "/files/../../etc/passwd").AsTask());
    }
}
