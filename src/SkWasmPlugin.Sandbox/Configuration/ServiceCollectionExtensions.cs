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
        // The source-generated validator (attributes plus SandboxOptions.Validate), checked when the host starts.
        var builder = services.AddOptionsWithValidateOnStart<SandboxOptions, SandboxOptionsValidator>();
        if (configure is not null) builder.Configure(configure);
        services.TryAddSingleton<IWorkspaceStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SandboxOptions>>().Value;
            return new LocalWorkspaceStorage(options.Sessions.StoragePath ?? LocalWorkspaceStorage.DefaultRoot(options.Sessions.ApplicationName));
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

    /// <summary>
    /// For packages that build on the sandbox (the SK plugin, the MCP tools): registers it with
    /// <see cref="AddWasmSandbox"/> unless an <see cref="ICodeSandbox"/> is registered already. Then
    /// <paramref name="configure"/> is added to that registration's options when it was made by
    /// <see cref="AddWasmSandbox"/>; for a sandbox registered another way it would be ignored, so that throws.
    /// </summary>
    public static IServiceCollection TryAddWasmSandbox(this IServiceCollection services, Action<SandboxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(ICodeSandbox))) return services.AddWasmSandbox(configure);
        if (configure is null) return services;
        if (!services.Any(d => d.ServiceType == typeof(WasmCodeSandbox)))
            throw new InvalidOperationException(
                "An ICodeSandbox is registered already (not by AddWasmSandbox), so these sandbox options would be ignored. " +
                "Configure that sandbox where it is created, or pass no sandbox options here.");
        services.Configure(configure);
        return services;
    }
}
