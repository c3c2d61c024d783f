namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>The configured memory default and a call's own memory limit share one floor, and the maximum one ceiling.</summary>
public sealed class MemoryLimitRangeTests
{
    private const long MB = 1024 * 1024;

    [Fact]
    public void The_default_and_a_call_have_the_same_floor()
    {
        new SandboxOptions { DefaultMemoryBytes = 16 * MB }.EnsureValid();
        Assert.Throws<ArgumentException>(() => new SandboxOptions { DefaultMemoryBytes = 16 * MB - 1 }.EnsureValid());

        var options = new SandboxOptions();
        Assert.Equal(16 * MB, options.Resolve(new ExecutionLimits { MemoryBytes = 16 * MB }).MemoryBytes);
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => options.Resolve(new ExecutionLimits { MemoryBytes = 16 * MB - 1 }));
        Assert.Contains("between 16 MB and 1024 MB", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_maximum_ends_below_two_gigabytes()
    {
        new SandboxOptions { MaxMemoryBytes = 2047 * MB }.EnsureValid();
        Assert.Throws<ArgumentException>(() => new SandboxOptions { MaxMemoryBytes = 2048 * MB }.EnsureValid());
    }
}
