using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Orleans;

/// <summary>Registration: <c>silo.AddWasmSandbox(…)</c> on every silo, <c>client.AddWasmSandboxClient()</c> on cluster clients.</summary>
public static class OrleansSandboxExtensions
{
    internal const string NoStorageMessage =
        "SkWasmPlugin.Orleans: no IWorkspaceStorage is registered for the silo's sandbox sessions. Every silo must reach " +
        "the same store, since a session moves to another silo when its silo fails or shuts down: register " +
        "BlobWorkspaceStorage (package SkWasmPlugin.Sandbox.AzureBlob) or, for silos on one machine, " +
        "services.AddSingleton<IWorkspaceStorage>(new LocalWorkspaceStorage(sharedFolder)).";

    /// <summary>
    /// Hosts sandbox sessions on this silo: the session and stateless grains, this silo's
    /// <see cref="WasmCodeSandbox"/> (configured by <paramref name="configure"/>, warmed up when the silo starts) and
    /// the wire format of the sandbox's types. The app's <see cref="ICodeSandbox"/> and <see cref="ISessionManager"/>
    /// are the cluster's (<see cref="ClusterCodeSandbox"/>), so tools or an MCP server co-hosted in the silo serve the
    /// whole cluster's sessions. An <see cref="IWorkspaceStorage"/> that every silo shares must be registered; without
    /// one the silo does not start.
    /// </summary>
    public static ISiloBuilder AddWasmSandbox(this ISiloBuilder silo, Action<SandboxOptions>? configure = null, Action<ClusterSandboxOptions>? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var services = silo.Services;
        bool storageGiven = services.Any(d => d.ServiceType == typeof(IWorkspaceStorage));
        services.AddWasmSandbox(configure);
        if (!storageGiven)
        {
            // The sandbox's default, a folder of this machine, would split the cluster's sessions per silo. A storage
            // registered after this call still wins (the last registration is the one resolved).
            services.RemoveAll<IWorkspaceStorage>();
            services.AddSingleton<IWorkspaceStorage>(_ => throw new InvalidOperationException(NoStorageMessage));
        }
        services.RemoveAll<ICodeSandbox>();
        services.AddSingleton<ClusterCodeSandbox>();
        services.AddSingleton<ICodeSandbox>(sp => sp.GetRequiredService<ClusterCodeSandbox>());

        var options = services.AddOptions<ClusterSandboxOptions>();
        if (cluster is not null) options.Configure(cluster);
        options.Validate<IOptions<SandboxOptions>>(
            (c, s) => c.SessionIdleDeactivation > TimeSpan.Zero && c.SessionIdleDeactivation < s.Value.Sessions.IdleTimeout,
            "ClusterSandboxOptions.SessionIdleDeactivation must be positive and shorter than SandboxOptions.Sessions.IdleTimeout.");
        options.ValidateOnStart();
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<ClusterSandboxOptions>>((collection, c) =>
            collection.ClassSpecificCollectionAge[typeof(SandboxSessionGrain).FullName!] = c.Value.SessionIdleDeactivation);

        services.AddHostedService<SiloSandboxStartup>();
        AddWireFormat(services);
        return silo;
    }

    /// <summary>
    /// Makes this cluster client's <see cref="ICodeSandbox"/> and <see cref="ISessionManager"/> the cluster's
    /// (<see cref="ClusterCodeSandbox"/>): register the AI tools, the SK plugin or the MCP server after it as usual.
    /// </summary>
    public static IClientBuilder AddWasmSandboxClient(this IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var services = client.Services;
        if (services.Any(d => d.ServiceType == typeof(ICodeSandbox)))
            throw new InvalidOperationException("An ICodeSandbox is registered already; a cluster client's sandbox is the cluster's. Remove the other registration.");
        services.AddSingleton<ClusterCodeSandbox>();
        services.AddSingleton<ICodeSandbox>(sp => sp.GetRequiredService<ClusterCodeSandbox>());
        services.AddSingleton(sp => sp.GetRequiredService<ICodeSandbox>().Sessions);
        AddWireFormat(services);
        return client;
    }

    private static void AddWireFormat(IServiceCollection services)
    {
        services.AddSerializer(serializer => serializer.AddJsonSerializer(WireJson.IsSandboxType, WireJson.Options));
        // The sandbox's exceptions (SessionNotFoundException, WorkspaceQuotaExceededException, …) reach the caller as
        // themselves, with their message, as System and Microsoft exceptions do.
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add(typeof(ICodeSandbox).Namespace!));
    }
}
