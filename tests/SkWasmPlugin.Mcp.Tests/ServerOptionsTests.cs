using System.Reflection;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Mcp.Tests;

public sealed class ServerOptionsTests
{
    [Fact]
    public void Clone_copies_every_public_property_and_owns_its_tokens()
    {
        var original = new SkWasmMcpServerOptions
        {
            Token = "t",
            AllowRemote = true,
            MaxRequestBodyBytes = 7,
            MaxConcurrentExecutionsPerClient = 3,
            MaxSessionsPerClient = 4,
            IsolateClients = true,
            StoragePath = "/x",
            Sandbox = new NoSandbox(),
            ConfigureSandbox = _ => { },
            ConfigureTools = _ => { },
            MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Error,
        };
        original.Tokens["alice"] = "secret";
        var copy = original.Clone();
        foreach (var property in typeof(SkWasmMcpServerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            object? value = property.GetValue(original);
            Assert.False(value is null || (value.GetType().IsValueType && value.Equals(Activator.CreateInstance(value.GetType()))),
                $"the test leaves {property.Name} at its default: set it above");
            if (property.Name == nameof(SkWasmMcpServerOptions.Tokens))
                Assert.Equal(original.Tokens, copy.Tokens);
            else
                Assert.Equal(value, property.GetValue(copy));
        }
        copy.Tokens["bob"] = "other";
        Assert.False(original.Tokens.ContainsKey("bob"));
    }

    [Fact]
    public void The_log_leaves_out_the_SDKs_per_request_entries_unless_debug_is_asked()
    {
        static Microsoft.Extensions.Logging.ILoggerFactory Factory(Microsoft.Extensions.Logging.LogLevel level)
        {
            var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
            Microsoft.Extensions.DependencyInjection.LoggingServiceCollectionExtensions.AddLogging(services,
                b => SkWasmMcpServer.ConfigureLogging(b, new SkWasmMcpServerOptions { MinimumLogLevel = level }));
            return Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(
                Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services));
        }
        const string sdk = "ModelContextProtocol.Server.McpServer";
        var byDefault = Factory(new SkWasmMcpServerOptions().MinimumLogLevel);
        Assert.False(byDefault.CreateLogger(sdk).IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information)); // an entry per call
        Assert.True(byDefault.CreateLogger(sdk).IsEnabled(Microsoft.Extensions.Logging.LogLevel.Warning));
        Assert.True(byDefault.CreateLogger("SkWasmPlugin.Sandbox").IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information));
        Assert.True(Factory(Microsoft.Extensions.Logging.LogLevel.Debug).CreateLogger(sdk).IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information));
    }

    [Fact]
    public void The_servers_own_sandbox_checkpoints_after_an_agents_pause_and_the_caller_has_the_last_word()
    {
        var library = new SandboxOptions();
        var own = new SandboxOptions();
        SkWasmMcpServer.ConfigureOwnSandbox(own, new SkWasmMcpServerOptions { StoragePath = "/store" });
        Assert.Equal(TimeSpan.FromMilliseconds(25), library.Sessions.CheckpointDelay); // the library's default is unchanged
        Assert.Equal(SkWasmMcpServer.CheckpointDelay, own.Sessions.CheckpointDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), own.Sessions.CheckpointDelay);
        Assert.Equal(library.Sessions.MaxCallsBetweenCheckpoints, own.Sessions.MaxCallsBetweenCheckpoints);
        Assert.True(own.Sessions.TrimMemoryAfterRelease);
        Assert.Equal("/store", own.Sessions.StoragePath);

        var configured = new SandboxOptions();
        SkWasmMcpServer.ConfigureOwnSandbox(configured, new SkWasmMcpServerOptions { ConfigureSandbox = s => s.Sessions.CheckpointDelay = TimeSpan.Zero });
        Assert.Equal(TimeSpan.Zero, configured.Sessions.CheckpointDelay);
    }

    private sealed class NoSandbox : ICodeSandbox
    {
        public ISessionManager Sessions => throw new NotSupportedException();

        public Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public SandboxDescription Describe() => throw new NotSupportedException();
    }
}
