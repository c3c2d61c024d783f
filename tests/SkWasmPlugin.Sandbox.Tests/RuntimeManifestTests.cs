using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>The committed guest runtimes are exactly the files runtimes/manifest.json describes.</summary>
public sealed class RuntimeManifestTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "runtimes", "manifest.json"))) return dir.FullName;
        throw new DirectoryNotFoundException("runtimes/manifest.json not found above " + AppContext.BaseDirectory);
    }

    public static TheoryData<string> Artifacts()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "runtimes", "manifest.json")));
        var data = new TheoryData<string>();
        foreach (var a in doc.RootElement.GetProperty("artifacts").EnumerateArray()) data.Add(a.GetProperty("path").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Artifacts))]
    public void Artifact_matches_its_sha256_size_and_licence(string path)
    {
        string root = RepoRoot();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "runtimes", "manifest.json")));
        var entry = doc.RootElement.GetProperty("artifacts").EnumerateArray().Single(a => a.GetProperty("path").GetString() == path);
        string full = Path.Combine(root, path);
        string sha;
        long size;
        if (Directory.Exists(full))
        {
            // Folders: sha256 of the lines "RELPATH SHA256\n" of their files, sorted by RELPATH (ordinal).
            var files = Directory.GetFiles(full, "*", SearchOption.AllDirectories)
                .Select(f => (Rel: Path.GetRelativePath(full, f).Replace('\\', '/'), Full: f))
                .OrderBy(f => f.Rel, StringComparer.Ordinal).ToList();
            var lines = new StringBuilder();
            foreach (var (rel, file) in files) lines.Append(rel).Append(' ').Append(Hash(File.ReadAllBytes(file))).Append('\n');
            sha = Hash(Encoding.UTF8.GetBytes(lines.ToString()));
            size = files.Sum(f => new FileInfo(f.Full).Length);
            Assert.Equal(entry.GetProperty("files").GetInt32(), files.Count);
        }
        else
        {
            Assert.True(File.Exists(full), $"{path} is missing: restore it with 'git checkout -- runtimes' or rebuild with runtimes/build-all.sh");
            byte[] bytes = File.ReadAllBytes(full);
            sha = Hash(bytes);
            size = bytes.LongLength;
        }
        Assert.Equal(entry.GetProperty("sha256").GetString(), sha);
        Assert.Equal(entry.GetProperty("size").GetInt64(), size);
        Assert.False(string.IsNullOrWhiteSpace(entry.GetProperty("sourcePackage").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(entry.GetProperty("version").GetString()));
        string licence = Path.Combine(root, entry.GetProperty("licenceFile").GetString()!);
        Assert.True(File.Exists(licence) || Directory.Exists(licence), "licence file missing for " + path);
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
