using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using SkWasmPlugin.SemanticKernel;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>Options and DI as the Options library intends: validated at start, and never silently ignored.</summary>
[Collection(SandboxCollection.Name)]
public sealed class RegistrationTests(SandboxFixture fixture)
{
    [Fact]
    public void Sandbox_options_for_a_sandbox_registered_another_way_throw_instead_of_being_ignored()
    {
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton<ICodeSandbox>(fixture.Sandbox);
        var ex = Assert.Throws<InvalidOperationException>(() => builder.Plugins.AddWasmCodeInterpreter(o => o.DefaultFuel = 1_000));
        Assert.Contains("would be ignored", ex.Message);
        builder.Plugins.AddWasmCodeInterpreter(); // without options it simply uses that sandbox
    }

    [Fact]
    public void Sandbox_options_are_added_to_an_AddWasmSandbox_registration()
    {
        var builder = Kernel.CreateBuilder();
        builder.Services.AddWasmSandbox(o => o.DefaultFuel = 2_000_000_000);
        builder.Plugins.AddWasmCodeInterpreter(o => o.DefaultTimeout = TimeSpan.FromSeconds(7));
        using var provider = builder.Services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SandboxOptions>>().Value;
        Assert.Equal(2_000_000_000, options.DefaultFuel);
        Assert.Equal(TimeSpan.FromSeconds(7), options.DefaultTimeout);
    }

    [Fact]
    public void Invalid_options_fail_validation_with_every_problem_named()
    {
        var services = new ServiceCollection();
        services.AddWasmSandbox(o => { o.DefaultFuel = o.MaxFuel + 1; o.DefaultMemoryBytes = 1; });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SandboxOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("DefaultFuel", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("DefaultMemoryBytes", StringComparison.Ordinal));
    }

    [Fact]
    public void The_tools_are_registered_as_a_type_of_their_own_and_warmup_needs_no_downcast()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ICodeSandbox>(fixture.Sandbox);
        SkWasmPlugin.AI.WasmSandboxTools.AddWasmSandboxTools(services);
        using var provider = services.BuildServiceProvider();
        var tools = provider.GetRequiredService<SkWasmPlugin.AI.WasmSandboxToolSet>();
        Assert.Contains(tools, t => t.Name == "execute_python");
        Assert.Null(provider.GetService<IList<Microsoft.Extensions.AI.AIFunction>>());
        provider.GetRequiredService<ICodeSandbox>().Warmup(Language.Python);
    }
}
