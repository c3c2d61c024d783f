using System.Diagnostics;
using System.Text;
using SkWasmPlugin.Sandbox;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>What a call used and made: its peak memory and the files it created or changed under /app.</summary>
[Collection(SandboxCollection.Name)]
public sealed class RunFilesTests(SandboxFixture fixture)
{
    private readonly WasmCodeSandbox _sandbox = fixture.Sandbox;

    private Task<ExecutionResult> Run(Language language, string code, string? session = null) =>
        _sandbox.ExecuteAsync(new ExecutionRequest(language, code) { SessionId = session });

    private const string TinyPng = "b'\\x89PNG\\r\\n\\x1a\\n' + bytes(24)";

    [Fact]
    public async Task A_call_that_allocates_50_MB_reports_a_higher_peak_than_one_that_prints()
    {
        var small = await Run(Language.Python, "print(1)");
        var big = await Run(Language.Python, "block = bytearray(50 * 1024 * 1024)\nprint(len(block))");
        Assert.Equal(ExecutionOutcome.Success, big.Outcome);
        Assert.True(small.PeakMemoryBytes > 0);
        // The heap the interpreter started with had room to spare, so the growth is less than 50 MB; the peak is not.
        Assert.True(big.PeakMemoryBytes > 50L * 1024 * 1024 && big.PeakMemoryBytes > small.PeakMemoryBytes + 30L * 1024 * 1024, $"{big.PeakMemoryBytes} vs {small.PeakMemoryBytes}");
        var js = await Run(Language.JavaScript, "const a = new Uint8Array(50 * 1024 * 1024); a.length");
        var jsSmall = await Run(Language.JavaScript, "console.log(1)");
        Assert.True(js.PeakMemoryBytes > 50L * 1024 * 1024 && js.PeakMemoryBytes > jsSmall.PeakMemoryBytes + 30L * 1024 * 1024, $"{js.PeakMemoryBytes} vs {jsSmall.PeakMemoryBytes}");
    }

    [Fact]
    public async Task A_call_that_writes_nothing_lists_no_files()
    {
        var r = await Run(Language.Python, "print(1)");
        Assert.Empty(r.Files);
        Assert.False(r.FilesTruncated);
        Assert.DoesNotContain("\"files\":[{", SandboxJson.Serialize(r));
    }

    [Fact]
    public async Task A_stateless_call_lists_what_it_wrote_with_media_types_and_the_bytes_of_its_images()
    {
        var r = await Run(Language.Python,
            "import os\nos.makedirs('out', exist_ok=True)\n" +
            $"open('out/chart.png', 'wb').write({TinyPng})\n" +
            "open('plot.svg', 'w').write('<?xml version=\"1.0\"?>\\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>')\n" +
            "open('data.csv', 'w').write('a,b\\n1,2\\n')\n" +
            "open('blob.bin', 'wb').write(bytes(range(256)))\n" +
            "open('notes', 'w').write('plain words')\n");
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        Assert.Equal(["blob.bin", "data.csv", "notes", "out/chart.png", "plot.svg"], r.Files.Select(f => f.Path));
        Assert.All(r.Files, f => Assert.Equal(WorkspaceFileChangeKind.Created, f.Change));
        Assert.Equal(["application/octet-stream", "text/csv", "text/plain", "image/png", "image/svg+xml"], r.Files.Select(f => f.MediaType));
        Assert.Equal([256L, 8, 11, 32, 63], r.Files.Select(f => f.Size));
        var png = r.Files.Single(f => f.Path == "out/chart.png");
        Assert.Equal(32, png.Content!.Length);
        Assert.Equal(0x89, png.Content[0]);
        Assert.StartsWith("<?xml", Encoding.UTF8.GetString(r.Files.Single(f => f.Path == "plot.svg").Content!));
        Assert.Null(r.Files.Single(f => f.Path == "data.csv").Content);
        Assert.All(r.Files, f => Assert.False(f.Shown));
        string json = SandboxJson.Serialize(r);
        Assert.Contains("{\"path\":\"out/chart.png\",\"size\":32,\"mediaType\":\"image/png\",\"change\":\"created\",\"shown\":false}", json);
    }

    [Fact]
    public async Task A_session_call_says_created_then_modified_and_a_reading_call_lists_nothing()
    {
        string s = (await _sandbox.Sessions.CreateAsync()).Id;
        var first = await Run(Language.Python, "open('log.txt', 'w').write('one\\n')", s);
        var change = Assert.Single(first.Files);
        Assert.Equal(("log.txt", WorkspaceFileChangeKind.Created, 4L), (change.Path, change.Change, change.Size));
        var second = await Run(Language.Python, "open('log.txt', 'a').write('two\\n')\nopen('new.json', 'w').write('{}')", s);
        Assert.Equal([("log.txt", WorkspaceFileChangeKind.Modified), ("new.json", WorkspaceFileChangeKind.Created)], second.Files.Select(f => (f.Path, f.Change)));
        Assert.Equal("application/json", second.Files[1].MediaType);
        var reading = await Run(Language.Python, "open('log.txt').read()", s);
        Assert.Equal("'one\\ntwo\\n'", reading.Result);
        Assert.Empty(reading.Files);
        var js = await Run(Language.JavaScript, "fs.writeFileSync('log.txt', 'three\\n')", s);
        Assert.Equal(("log.txt", WorkspaceFileChangeKind.Modified), (js.Files.Single().Path, js.Files.Single().Change));
    }

    [Fact]
    public async Task A_file_the_host_wrote_between_calls_is_not_counted_as_the_next_call_s()
    {
        string s = (await _sandbox.Sessions.CreateAsync()).Id;
        await Run(Language.Python, "open('a.txt', 'w').write('a')", s);
        await _sandbox.Sessions.WriteFileAsync(s, "upload.csv", Encoding.UTF8.GetBytes("x,y\n"));
        var r = await Run(Language.Python, "open('b.txt', 'w').write('b')", s);
        Assert.Equal(["b.txt"], r.Files.Select(f => f.Path));
    }

    [Fact]
    public async Task Python_show_writes_svg_text_and_copies_an_image_as_shown_files()
    {
        var r = await Run(Language.Python,
            "import sandbox_utils as su\n" +
            $"open('chart.png', 'wb').write({TinyPng})\n" +
            "su.show('<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>')\n" +
            "su.show('chart.png')");
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        Assert.Null(r.Result); // show() returns None
        Assert.Equal([(".skwasm/show/001.svg", true, "image/svg+xml"), (".skwasm/show/002.png", true, "image/png"), ("chart.png", false, "image/png")],
            r.Files.Select(f => (f.Path, f.Shown, f.MediaType)));
        Assert.Equal(r.Files[2].Content, r.Files[1].Content);
        Assert.Contains("\"shown\":true", SandboxJson.Serialize(r));
        var wrong = await Run(Language.Python, "import sandbox_utils as su\nsu.show('just words')");
        Assert.Equal(ExecutionOutcome.Error, wrong.Outcome);
    }

    [Fact]
    public async Task JavaScript_show_writes_svg_text_and_image_bytes_as_shown_files()
    {
        var r = await Run(Language.JavaScript,
            "show('<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>');\n" +
            "const png = new Uint8Array(16); png.set([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);\n" +
            "fs.writeFileSync('pic.png', png);\nshow('pic.png');\nshow(png)");
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        Assert.Null(r.Result);
        Assert.Equal([".skwasm/show/001.svg", ".skwasm/show/002.png", ".skwasm/show/003.png", "pic.png"], r.Files.Select(f => f.Path));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0 }, r.Files[1].Content);
        Assert.Equal(r.Files[1].Content, r.Files[2].Content);
        Assert.Equal(r.Files[1].Content, r.Files[3].Content);
    }

    [Fact]
    public async Task Ten_thousand_new_files_give_a_capped_list_a_flag_and_a_note_quickly()
    {
        string root = Path.Combine(Path.GetTempPath(), "skwasm-files-" + Guid.NewGuid().ToString("N"));
        var options = SandboxFixture.CreateOptions(root);
        options.Sessions.DefaultMaxFiles = 20_000;
        await using (var sandbox = new WasmCodeSandbox(options))
        {
            var r = await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python,
                "import os\nfor d in range(10):\n    os.makedirs(f'd{d}', exist_ok=True)\n    for i in range(1000):\n        open(f'd{d}/f{i:04}.txt', 'w').close()"));
            Assert.Equal(ExecutionOutcome.Success, r.Outcome);
            Assert.Equal(WorkspaceScan.MaxListed, r.Files.Count);
            Assert.Equal("d0/f0000.txt", r.Files[0].Path);
            Assert.Equal("d0/f0099.txt", r.Files[^1].Path);
            Assert.True(r.FilesTruncated);
            Assert.Contains("10,000 files were created or changed; the first 100 are listed.", r.Notes);
            Assert.True(SandboxJson.Serialize(r).Length < 20_000);
        }
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Scanning_and_comparing_ten_thousand_files_is_bounded_and_cheap()
    {
        string root = Path.Combine(Path.GetTempPath(), "skwasm-scan-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            for (int i = 0; i < 10_000; i++) File.WriteAllBytes(Path.Combine(root, $"f{i:05}.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
            var clock = Stopwatch.StartNew();
            var changes = WorkspaceScan.Compare(WorkspaceScan.Empty, WorkspaceScan.Take(root), root);
            clock.Stop();
            Assert.Equal(10_000, changes.Total);
            Assert.Equal(WorkspaceScan.MaxListed, changes.Files.Count);
            Assert.Equal(WorkspaceScan.MaxImages, changes.Files.Count(f => f.Content is not null));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), clock.Elapsed.ToString());
            for (int i = 0; i < WorkspaceScan.MaxEntries + 5 - 10_000; i++) File.WriteAllBytes(Path.Combine(root, $"g{i:05}"), []);
            Assert.False(WorkspaceScan.Take(root).Complete);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("x.bin", new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg")]
    [InlineData("x", new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, "image/gif")]
    [InlineData("report", new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, "application/pdf")]
    [InlineData("book.xlsx", new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14 }, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    [InlineData("archive.dat", new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14 }, "application/zip")]
    [InlineData("fake.png", new byte[] { 0x68, 0x69 }, "image/png")]
    [InlineData("page.html", new byte[] { 0x3C, 0x68, 0x31, 0x3E }, "text/html")]
    [InlineData("pic", new byte[] { 0xEF, 0xBB, 0xBF, 0x3C, 0x21, 0x2D, 0x2D, 0x20, 0x2D, 0x2D, 0x3E, 0x3C, 0x73, 0x76, 0x67, 0x3E }, "image/svg+xml")]
    [InlineData("div", new byte[] { 0x3C, 0x64, 0x69, 0x76, 0x3E, 0x3C, 0x73, 0x76, 0x67, 0x3E }, "text/plain")]
    public void Media_type_comes_from_content_then_extension(string name, byte[] head, string expected) =>
        Assert.Equal(expected, MediaTypes.Of(name, head));
}
