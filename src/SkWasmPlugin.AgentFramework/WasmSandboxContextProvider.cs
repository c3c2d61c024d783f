using Microsoft.Agents.AI;
using SkWasmPlugin.AI;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AgentFramework;

/// <summary>
/// Gives each agent session a sandbox session of its own and the sandbox tools bound to it: the sandbox session's id is
/// kept in the agent session's state (so it travels with a serialized session), created on the first run and again if
/// it has expired, and removed with <see cref="DeleteSessionAsync"/> when the agent session ends. The model sees the
/// tools without a <c>sessionId</c> parameter and cannot reach another agent session's files or state.
/// </summary>
public sealed class WasmSandboxContextProvider : AIContextProvider
{
    /// <summary>The key of the sandbox session's state in the agent session's state bag.</summary>
    public const string StateKey = "skwasm.sandbox";

    private readonly ICodeSandbox _sandbox;
    private readonly WasmSandboxToolSet _tools;
    private readonly ProviderSessionState<SandboxSessionState> _state;

    /// <summary>A provider over <paramref name="sandbox"/>.</summary>
    public WasmSandboxContextProvider(ICodeSandbox sandbox, CodeInterpreterOptions? options = null)
        : base(null, null, null)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        _sandbox = sandbox;
        _tools = WasmSandboxTools.Create(sandbox, options);
        _state = new ProviderSessionState<SandboxSessionState>(_ => new SandboxSessionState(), StateKey, AgentFrameworkJson.Options);
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> StateKeys => [StateKey];

    /// <summary>The sandbox session of <paramref name="session"/>, created when it has none (or its one expired).</summary>
    public async Task<string> GetSandboxSessionIdAsync(AgentSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var state = _state.GetOrInitializeState(session);
        if (state.SessionId is { } id && await _sandbox.Sessions.GetAsync(id, cancellationToken).ConfigureAwait(false) is not null) return id;
        var created = await _sandbox.Sessions.CreateAsync(null, cancellationToken).ConfigureAwait(false);
        _state.SaveState(session, new SandboxSessionState { SessionId = created.Id });
        return created.Id;
    }

    /// <summary>Destroys the sandbox session of <paramref name="session"/> (its files and state); false when it had none.</summary>
    public async Task<bool> DeleteSessionAsync(AgentSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var state = _state.GetOrInitializeState(session);
        if (state.SessionId is not { } id) return false;
        _state.SaveState(session, new SandboxSessionState());
        return await _sandbox.Sessions.DestroyAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async ValueTask<AIContext> ProvideAIContextAsync(InvokingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Session is null)
            throw new InvalidOperationException($"{nameof(WasmSandboxContextProvider)} needs an agent session: run the agent with one (agent.CreateSessionAsync()).");
        string id = await GetSandboxSessionIdAsync(context.Session, cancellationToken).ConfigureAwait(false);
        return new AIContext
        {
            Instructions = "You have a sandbox to run Python and JavaScript with the execute tools. Its files live in /app (the working " +
                "directory) and stay there, with variables and imports, for the rest of this conversation.",
            Tools = _tools.ForSession(id),
        };
    }
}
