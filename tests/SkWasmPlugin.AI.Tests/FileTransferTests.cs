using System.Text.Json;
using Microsoft.Extensions.AI;
using SkWasmPlugin.AI;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>Binary files through read_file / write_file, and arguments that do not bind.</summary>
[Collection(SandboxCollection.Name)]
public sealed class FileTransferTests(SandboxFixture fixture)
{
    private readonly WasmSandboxToolSet _tools = WasmSandboxTools.Create(fixture.Sandbox);

    private async Task<SandboxToolResult> Call(string tool, Dictionary<string, object?> args) =>
        await _tools[tool].InvokeToolAsync(new AIFunctionArguments(args));

    private async Task<string> NewSession() =>
        (await Call("create_session", [])).Value.GetProperty("sessionId").GetString()!;

    [Fact]
    public async Task A_1_MB_random_file_round_trips_byte_for_byte_as_base64()
    {
        string session = await NewSession();
        var bytes = new byte[1024 * 1024];
        new Random(7).NextBytes(bytes);
        var written = await Call("write_file", new() { ["sessionId"] = session, ["path"] = "blob.bin", ["content"] = Convert.ToBase64String(bytes), ["encoding"] = "base64" });
        Assert.False(written.IsError, written.Json);
        Assert.Equal(bytes.Length, written.Value.GetProperty("size").GetInt64());

        // The guest sees the same bytes.
        var run = await Call("execute_python", new()
        {
            ["sessionId"] = session,
            ["code"] = "import hashlib\nprint(hashlib.sha256(open('blob.bin', 'rb').read()).hexdigest())",
        });
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) + "\n", run.Value.GetProperty("stdout").GetString());

        var read = await Call("read_file", new() { ["sessionId"] = session, ["path"] = "blob.bin" });
        Assert.False(read.IsError, read.Json[..Math.Min(200, read.Json.Length)]);
        Assert.Equal("base64", read.Value.GetProperty("encoding").GetString());
        Assert.Equal("application/octet-stream", read.Value.GetProperty("mediaType").GetString());
        Assert.Equal(bytes, Convert.FromBase64String(read.Value.GetProperty("content").GetString()!));
    }

    [Fact]
    public async Task A_png_the_program_wrote_comes_back_with_its_media_type_and_text_stays_text()
    {
        string session = await NewSession();
        await Call("execute_python", new()
        {
            ["sessionId"] = session,
            ["code"] = "open('dot.png', 'wb').write(bytes([0x89, 0x50, 0x4E, 0x47, 13, 10, 26, 10]) + bytes(range(256)))\nopen('t.txt', 'w').write('héllo')",
        });
        var png = await Call("read_file", new() { ["sessionId"] = session, ["path"] = "dot.png" });
        Assert.Equal("image/png", png.Value.GetProperty("mediaType").GetString());
        Assert.Equal(264, Convert.FromBase64String(png.Value.GetProperty("content").GetString()!).Length);
        var text = await Call("read_file", new() { ["sessionId"] = session, ["path"] = "t.txt" });
        Assert.Equal("text", text.Value.GetProperty("encoding").GetString());
        Assert.Equal("héllo", text.Value.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Bad_content_unknown_encodings_and_oversized_files_are_refused_and_write_nothing()
    {
        string session = await NewSession();
        var tools = WasmSandboxTools.Create(fixture.Sandbox, new CodeInterpreterOptions { MaxFileTransferBytes = 1000 });
        async Task<SandboxToolResult> Write(string content, string? encoding) =>
            await tools["write_file"].InvokeToolAsync(new AIFunctionArguments(new Dictionary<string, object?>
            {
                ["sessionId"] = session, ["path"] = "x.bin", ["content"] = content, ["encoding"] = encoding,
            }));

        Assert.Equal("invalid_argument", (await Write("not base64 !!", "base64")).ErrorKind);
        Assert.Equal("invalid_argument", (await Write("abc", "utf-16")).ErrorKind);
        Assert.Equal("file_too_large", (await Write(Convert.ToBase64String(new byte[1001]), "base64")).ErrorKind);
        Assert.Equal("file_too_large", (await Write(new string('a', 1001), null)).ErrorKind);
        Assert.Empty(await fixture.Sandbox.Sessions.ListFilesAsync(session));

        await fixture.Sandbox.Sessions.WriteFileAsync(session, "big.bin", new byte[5000]);
        var read = await tools["read_file"].InvokeToolAsync(new AIFunctionArguments(new Dictionary<string, object?> { ["sessionId"] = session, ["path"] = "big.bin" }));
        Assert.Equal("file_too_large", read.ErrorKind);
    }

    [Fact]
    public async Task Arguments_that_do_not_bind_are_an_invalid_argument_result_without_dotnet_text()
    {
        var missing = await Call("read_file", new() { ["path"] = "x" });
        Assert.Equal("invalid_argument", missing.ErrorKind);
        Assert.DoesNotContain("(Parameter", missing.Json);

        var wrongType = await Call("execute_python", new() { ["code"] = "print(1)", ["fuel"] = JsonDocument.Parse("\"lots\"").RootElement });
        Assert.Equal("invalid_argument", wrongType.ErrorKind);
    }
}

/// <summary>What a model or a person reads carries no .NET plumbing and one spelling of each name.</summary>
public sealed class MessageHygieneTests
{
    [Fact]
    public void Languages_have_one_spelling_in_json()
    {
        string json = SandboxJson.Serialize(new ExecutionResult { Outcome = ExecutionOutcome.Success, Language = Language.JavaScript });
        Assert.Contains("\"language\":\"javascript\"", json);
        Assert.Equal(Language.JavaScript, JsonSerializer.Deserialize("\"javascript\"", SandboxJson.TypeInfo<Language>()));
        // Session metadata written by earlier versions still reads.
        Assert.Equal(Language.JavaScript, JsonSerializer.Deserialize("\"javaScript\"", SandboxJson.TypeInfo<Language>()));
    }

    [Fact]
    public void Parameter_suffixes_are_removed_from_exception_text()
    {
        Assert.Equal("Bad path.", ModelText.Message(new ArgumentException("Bad path.", "request")));
        Assert.Equal("Gone.", ModelText.Message(new InvalidOperationException("Gone.")));
    }
}
