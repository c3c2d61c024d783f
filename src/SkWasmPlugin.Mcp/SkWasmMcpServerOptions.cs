using SkWasmPlugin.AI;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Mcp;

/// <summary>Settings of the MCP server: the sandbox it runs on, HTTP security, and per-client limits.</summary>
public sealed class SkWasmMcpServerOptions
{
    /// <summary>The environment variable read for the bearer token when none is given on the command line.</summary>
    public const string TokenEnvironmentVariable = "SKWASM_MCP_TOKEN";

    /// <summary>
    /// HTTP: the bearer token every request must carry (<c>Authorization: Bearer …</c>); its holders are the principal
    /// "default". Null (and no <see cref="Tokens"/>): no authentication, and each remote address is a principal.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// HTTP: more bearer tokens, one per principal (name → token), e.g. one per tenant. Limits
    /// (<see cref="MaxSessionsPerClient"/>, <see cref="MaxConcurrentExecutionsPerClient"/>) count per principal,
    /// however many MCP sessions it opens.
    /// </summary>
    public IDictionary<string, string> Tokens { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Every accepted token with its principal's name.</summary>
    internal IEnumerable<(string Principal, string Token)> PrincipalTokens()
    {
        if (!string.IsNullOrEmpty(Token)) yield return ("default", Token);
        foreach (var (principal, token) in Tokens)
            if (!string.IsNullOrEmpty(token)) yield return (principal, token);
    }

    /// <summary>Whether any token is required.</summary>
    internal bool RequiresToken => PrincipalTokens().Any();

    /// <summary>HTTP: allow binding to a non-loopback address. Remote binding also requires a <see cref="Token"/>.</summary>
    public bool AllowRemote { get; set; }

    /// <summary>HTTP: largest accepted request body in bytes; larger requests get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Most execute_code calls one principal (a token, or a remote address without one) may have running at once, over all its MCP sessions; further calls get a tool error at once.</summary>
    public int MaxConcurrentExecutionsPerClient { get; set; } = 2;

    /// <summary>Most sandbox sessions one principal may own at once, over all its MCP sessions (enforced where clients are isolated, i.e. over HTTP).</summary>
    public int MaxSessionsPerClient { get; set; } = 20;

    /// <summary>
    /// Whether sandbox sessions belong to the client that created them (set by the HTTP host, where each MCP session is a client).
    /// Off for stdio, which has a single client.
    /// </summary>
    public bool IsolateClients { get; set; }

    /// <summary>Folder for session workspaces (null: the sandbox default).</summary>
    public string? StoragePath { get; set; }

    /// <summary>An existing sandbox to serve (not disposed by the server); null to create one.</summary>
    public ICodeSandbox? Sandbox { get; set; }

    /// <summary>Adjusts the sandbox options of a sandbox the server creates.</summary>
    public Action<SandboxOptions>? ConfigureSandbox { get; set; }

    /// <summary>Adjusts the tool options (sanitizing, approval, output size for the model).</summary>
    public Action<CodeInterpreterOptions>? ConfigureTools { get; set; }

    /// <summary>
    /// Minimum level of the log written to stderr. At Information (the default) and above, ASP.NET Core's and the MCP
    /// SDK's per-request entries are left out (Warning and worse still show); Debug or Trace shows them.
    /// </summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLogLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>A shallow copy (the hosts adjust a copy, never the caller's object).</summary>
    public SkWasmMcpServerOptions Clone() => new(this);

    /// <summary>Creates default options.</summary>
    public SkWasmMcpServerOptions()
    {
    }

    /// <summary>
    /// A copy of <paramref name="other"/>, member by member (a new member must be added here; a test fills every
    /// public property and compares), with its own <see cref="Tokens"/>, so changing the copy never changes the original.
    /// </summary>
    private SkWasmMcpServerOptions(SkWasmMcpServerOptions other)
    {
        Token = other.Token;
        Tokens = new Dictionary<string, string>(other.Tokens, StringComparer.Ordinal);
        AllowRemote = other.AllowRemote;
        MaxRequestBodyBytes = other.MaxRequestBodyBytes;
        MaxConcurrentExecutionsPerClient = other.MaxConcurrentExecutionsPerClient;
        MaxSessionsPerClient = other.MaxSessionsPerClient;
        IsolateClients = other.IsolateClients;
        StoragePath = other.StoragePath;
        Sandbox = other.Sandbox;
        ConfigureSandbox = other.ConfigureSandbox;
        ConfigureTools = other.ConfigureTools;
        MinimumLogLevel = other.MinimumLogLevel;
    }
}
