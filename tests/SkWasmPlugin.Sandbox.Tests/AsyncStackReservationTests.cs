using Microsoft.Extensions.Logging;
using SkWasmPlugin.Sandbox.Hosting;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>The one call into a private Wasmtime for .NET member: used while it is there, harmless when it is not.</summary>
public sealed class AsyncStackReservationTests
{
    [Fact]
    public void The_installed_package_still_has_the_private_setter_and_it_applies()
    {
        // Fails after a Wasmtime for .NET upgrade that drops or changes WithMaxStacks: look for a public option then.
        Assert.NotNull(AsyncStackReservation.Default.Setter);
        using var pool = new Wasmtime.PoolingAllocationConfig();
        var logger = new RecordingLogger();
        Assert.True(AsyncStackReservation.Default.TryApply(pool, logger));
        Assert.Empty(logger.Warnings);
    }

    [Fact]
    public void Without_the_setter_the_pool_is_left_as_it_is_and_that_is_logged_once()
    {
        var missing = new AsyncStackReservation(setter: null);
        var logger = new RecordingLogger();
        using var first = new Wasmtime.PoolingAllocationConfig();
        using var second = new Wasmtime.PoolingAllocationConfig();

        Assert.False(missing.TryApply(first, logger));
        Assert.False(missing.TryApply(second, logger));

        var warning = Assert.Single(logger.Warnings);
        Assert.Contains("WithMaxStacks", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_setter_an_engine_is_still_created_and_runs()
    {
        using var config = EngineSettings.NewConfig(new SandboxOptions());
        using var pool = new Wasmtime.PoolingAllocationConfig().WithMaxMemories(4).WithMaxCoreInstances(4).WithMaxTables(4);
        Assert.False(new AsyncStackReservation(setter: null).TryApply(pool, new RecordingLogger()));
        config.WithPoolingAllocationStrategy(pool);
        using var engine = new Wasmtime.Engine(config);
        using var module = Wasmtime.Module.FromText(engine, "answer", "(module (func (export \"answer\") (result i32) i32.const 42))");
        using var store = new Wasmtime.Store(engine);
        store.Fuel = 1000;
        store.SetEpochDeadline(ulong.MaxValue / 2);
        var answer = new Wasmtime.Instance(store, module).GetFunction<int>("answer")!;
        Assert.Equal(42, answer());
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning) Warnings.Add(formatter(state, exception));
        }
    }
}
