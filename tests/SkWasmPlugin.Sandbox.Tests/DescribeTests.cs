namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>What <see cref="WasmCodeSandbox.Describe()"/> says about the runtimes is what they are.</summary>
[Collection(SandboxCollection.Name)]
public sealed class DescribeTests(SandboxFixture fixture)
{
    [Fact]
    public async Task The_described_python_version_is_the_one_that_runs()
    {
        var python = fixture.Sandbox.Describe().Runtimes.Single(r => r.Language == "python");
        var run = await fixture.Sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "import sys; print('%d.%d' % sys.version_info[:2])"));
        Assert.Equal(python.Version + "\n", run.Stdout);
        Assert.Equal("CPython (WASI reactor)", python.Engine);
    }

    [Fact]
    public void Each_language_is_described_once_under_its_canonical_name()
    {
        var described = fixture.Sandbox.Describe().Runtimes;
        Assert.Equal(Languages.All.Select(l => l.Name()), described.Select(r => r.Language));
        var js = described.Single(r => r.Language == "javascript");
        Assert.Equal("QuickJS (WASI reactor)", js.Engine);
        Assert.False(string.IsNullOrWhiteSpace(js.Version));
    }
}
