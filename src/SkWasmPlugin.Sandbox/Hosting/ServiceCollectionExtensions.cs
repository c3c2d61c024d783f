using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkWasmPlugin.Sandbox.Sessions;

namespace SkWasmPlugin.Sandbox;

/// <summary>DI registration: <c>services.AddWasmSandbox(o => …)</c>.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ICodeSandbox"/> (a singleton <see cref="WasmCodeSandbox"/>), its
    /// <see cref="ISessionManager"/>, local <see cref="IWorkspaceStorage"/> (unless one is registered),
    /// options validated at start, and a hosted service that prunes idle sessions.
    /// </summary>
    public static IServiceCollection AddWasmSandbox(this IServiceCollection services, Action<SandboxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<SandboxOptions>();
        if (configure is not null) builder.Configure(configure);
        builder.Validate(o =>
        {
            o.EnsureValid();
            return true;
        }).ValidateOnStart();
        services.TryAddSingleton<IWorkspaceStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SandboxOptions>>().Value;
            return new LocalWorkspaceStorage(options.Sessions.StoragePath ?? LocalWorkspaceStorage.DefaultRoot());
        });
        services.TryAddSingleton(sp => new WasmCodeSandbox(
            sp.GetRequiredService<IOptions<SandboxOptions>>().Value,
            sp.GetRequiredService<IWorkspaceStorage>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<ICodeSandbox>(sp => sp.GetRequiredService<WasmCodeSandbox>());
        services.TryAddSingleton(sp => sp.GetRequiredService<ICodeSandbox>().Sessions);
        services.AddHostedService<SessionPruningService>();
        return services;
    }
}
