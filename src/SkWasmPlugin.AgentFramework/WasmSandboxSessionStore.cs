using System.Diagnostics.CodeAnalysis;
using Microsoft.Agents.AI;

namespace SkWasmPlugin.AgentFramework;

/// <summary>
/// An <see cref="AgentSessionStore"/> decorator that ends an agent session's sandbox session with it: deleting a
/// stored agent session destroys the sandbox session (state and files) that <see cref="WasmSandboxContextProvider"/>
/// gave it, then deletes the agent session from the inner store. Wrap the store a hosted agent uses:
/// <c>new WasmSandboxSessionStore(store, provider)</c>. Without a store, call
/// <see cref="WasmSandboxContextProvider.DeleteSessionAsync"/> where the app ends a session; sessions nobody ends are
/// pruned by the sandbox after their idle timeout.
/// </summary>
/// <remarks>Experimental (MAAI001) as Agent Framework's session stores are.</remarks>
[Experimental("MAAI001")]
public sealed class WasmSandboxSessionStore : DelegatingAgentSessionStore
{
    private readonly WasmSandboxContextProvider _provider;

    public WasmSandboxSessionStore(AgentSessionStore innerStore, WasmSandboxContextProvider provider)
        : base(innerStore ?? throw new ArgumentNullException(nameof(innerStore)))
    {
        _provider = provider ?? throw new ArgumentNullException(nameof(provider));
    }

    /// <inheritdoc />
    public override async ValueTask DeleteSessionAsync(AIAgent agent, AgentSessionStoreKey key, CancellationToken cancellationToken = default)
    {
        if (await InnerStore.GetSessionAsync(agent, key, cancellationToken).ConfigureAwait(false) is { } session)
            await _provider.DeleteSessionAsync(session, cancellationToken).ConfigureAwait(false);
        await InnerStore.DeleteSessionAsync(agent, key, cancellationToken).ConfigureAwait(false);
    }
}
