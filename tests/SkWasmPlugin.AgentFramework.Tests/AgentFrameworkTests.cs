using System.Text.Json;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using SkWasmPlugin.AgentFramework;

namespace SkWasmPlugin.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class AgentFrameworkTests(SandboxFixture fixture)
{
    private static string LastToolResult(ScriptedChatClient scripted) =>
        scripted.Requests[^1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Last().Result?.ToString() ?? "";

    [Fact]
    public async Task Each_agent_session_gets_its_own_sandbox_session_kept_in_its_state_and_deleted_with_it()
    {
        var scripted = new ScriptedChatClient()
            .CallTool("execute_python", new Dictionary<string, object?> { ["code"] = "secret = 41\nopen('note.txt', 'w').write('mine')" })
            .Reply("stored")
            .CallTool("execute_python", new Dictionary<string, object?> { ["code"] = "secret + 1" })
            .Reply("42")
            .CallTool("execute_python", new Dictionary<string, object?> { ["code"] = "import os\nprint('secret' in dir(), os.listdir('.'))" })
            .Reply("other");
        var provider = new WasmSandboxContextProvider(fixture.Sandbox);
        AIAgent agent = new ChatClientAgent(scripted, new ChatClientAgentOptions { AIContextProviders = [provider] });

        var first = await agent.CreateSessionAsync();
        await agent.RunAsync("store a secret", first);
        var tools = scripted.Requests[0].Options!.Tools!;
        Assert.Contains(tools, t => t.Name == "execute_python");
        Assert.DoesNotContain(tools, t => t.Name is "create_session" or "destroy_session");
        Assert.False(((AIFunction)tools.First(t => t.Name == "execute_python")).JsonSchema.GetProperty("properties").TryGetProperty("sessionId", out _));

        // The id travels with the serialized agent session.
        JsonElement saved = await agent.SerializeSessionAsync(first);
        var restored = await agent.DeserializeSessionAsync(saved);
        string id = await provider.GetSandboxSessionIdAsync(restored);
        Assert.Equal(await provider.GetSandboxSessionIdAsync(first), id);
        await agent.RunAsync("and now?", restored);
        Assert.Contains("\"result\":\"42\"", LastToolResult(scripted));

        var second = await agent.CreateSessionAsync();
        await agent.RunAsync("look around", second);
        Assert.Contains("False []", LastToolResult(scripted));
        Assert.NotEqual(id, await provider.GetSandboxSessionIdAsync(second));

        Assert.True(await provider.DeleteSessionAsync(restored));
        Assert.Null(await fixture.Sandbox.Sessions.GetAsync(id));
        Assert.False(await provider.DeleteSessionAsync(restored));
    }

#pragma warning disable MAAI001 // Agent Framework's session stores are experimental
    [Fact]
    public async Task Deleting_a_stored_agent_session_destroys_its_sandbox_session()
    {
        var scripted = new ScriptedChatClient()
            .CallTool("execute_python", new Dictionary<string, object?> { ["code"] = "open('note.txt', 'w').write('mine')" })
            .Reply("stored");
        var provider = new WasmSandboxContextProvider(fixture.Sandbox);
        AIAgent agent = new ChatClientAgent(scripted, new ChatClientAgentOptions { AIContextProviders = [provider] });
        var store = new WasmSandboxSessionStore(new SerializingStore(), provider);
        var key = new AgentSessionStoreKey("conversation-1");

        var session = await store.GetOrCreateSessionAsync(agent, key);
        await agent.RunAsync("store a note", session);
        await store.SaveSessionAsync(agent, key, session);
        string id = await provider.GetSandboxSessionIdAsync(session);
        Assert.Equal("mine", System.Text.Encoding.UTF8.GetString(await fixture.Sandbox.Sessions.ReadFileAsync(id, "note.txt")));

        await store.DeleteSessionAsync(agent, key);
        Assert.Null(await fixture.Sandbox.Sessions.GetAsync(id));
        Assert.Null(await store.GetSessionAsync(agent, key));
        await store.DeleteSessionAsync(agent, key); // nothing stored: nothing to do
        Assert.Throws<ArgumentNullException>(() => new WasmSandboxSessionStore(new SerializingStore(), null!));
    }

    /// <summary>A store as a hosted agent's would be: sessions kept serialized, each lookup a new instance.</summary>
    private sealed class SerializingStore : AgentSessionStore
    {
        private readonly Dictionary<string, JsonElement> _saved = [];

        public override async ValueTask SaveSessionAsync(AIAgent agent, AgentSessionStoreKey key, AgentSession session, CancellationToken cancellationToken = default) =>
            _saved[key.SessionId] = await agent.SerializeSessionAsync(session, cancellationToken: cancellationToken);

        public override async ValueTask<AgentSession?> GetSessionAsync(AIAgent agent, AgentSessionStoreKey key, CancellationToken cancellationToken = default) =>
            _saved.TryGetValue(key.SessionId, out var json) ? await agent.DeserializeSessionAsync(json, cancellationToken: cancellationToken) : null;

        public override ValueTask DeleteSessionAsync(AIAgent agent, AgentSessionStoreKey key, CancellationToken cancellationToken = default)
        {
            _saved.Remove(key.SessionId);
            return ValueTask.CompletedTask;
        }
    }
#pragma warning restore MAAI001

    [Fact]
    public async Task Skill_scripts_run_in_the_sandbox_with_their_folder_and_json_arguments()
    {
        string root = Directory.CreateTempSubdirectory("skwasm-skills-").FullName;
        string skill = Path.Combine(root, "adder");
        Directory.CreateDirectory(Path.Combine(skill, "scripts"));
        File.WriteAllText(Path.Combine(skill, "SKILL.md"), "---\nname: adder\ndescription: Adds numbers.\n---\nRun scripts/add.py with {\"a\": 1, \"b\": 2}.\n");
        File.WriteAllText(Path.Combine(skill, "scripts", "add.py"),
            "import json, sys, os\nargs = json.load(sys.stdin)\nprint(args['a'] + args['b'], open('SKILL.md').read().startswith('---'), os.path.exists('/etc/passwd'))\n");
        File.WriteAllText(Path.Combine(skill, "scripts", "host.sh"), "echo should never run on the host\n");

        using var source = new AgentFileSkillsSource(root, WasmSkillScriptRunner.Create(fixture.Sandbox));
        var found = Assert.Single(await source.GetSkillsAsync(null!, CancellationToken.None));
        int before = (await fixture.Sandbox.Sessions.ListAsync()).Count;

        var script = await found.GetScriptAsync("scripts/add.py", CancellationToken.None) ?? await found.GetScriptAsync("add.py", CancellationToken.None);
        Assert.NotNull(script);
        var output = await script!.RunAsync(found, JsonDocument.Parse("{\"a\": 40, \"b\": 2}").RootElement, null!, CancellationToken.None);
        using var json = JsonDocument.Parse(Assert.IsType<string>(output));
        Assert.Equal("success", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("42 True False\n", json.RootElement.GetProperty("stdout").GetString());

        var shell = await found.GetScriptAsync("scripts/host.sh", CancellationToken.None) ?? await found.GetScriptAsync("host.sh", CancellationToken.None);
        if (shell is not null)
        {
            using var refused = JsonDocument.Parse((string)(await shell.RunAsync(found, null, null!, CancellationToken.None))!);
            Assert.Equal("invalid_argument", refused.RootElement.GetProperty("kind").GetString());
        }
        Assert.Equal(before, (await fixture.Sandbox.Sessions.ListAsync()).Count);
    }
}
