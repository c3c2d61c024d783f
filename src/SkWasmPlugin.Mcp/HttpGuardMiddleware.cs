using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace SkWasmPlugin.Mcp;

/// <summary>
/// Runs before the MCP endpoints on every request: the bearer token (401, compared in constant time), the body size
/// cap (413; Kestrel enforces it for chunked bodies too), and browser origins (403 for a cross-site page on a
/// loopback server, against DNS rebinding).
/// </summary>
internal sealed class HttpGuardMiddleware(RequestDelegate next, SkWasmMcpServerOptions options)
{
    /// <summary>The key of <see cref="HttpContext.Items"/> that holds the principal a request was authenticated as.</summary>
    internal const string PrincipalItem = "skwasm.principal";

    private readonly (string Principal, byte[] Hash)[] _tokens = [.. options.PrincipalTokens().Select(t => (t.Principal, SHA256.HashData(Encoding.UTF8.GetBytes(t.Token))))];

    public async Task InvokeAsync(HttpContext context)
    {
        string? principal = _tokens.Length == 0 ? "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown") : PrincipalOf(context.Request);
        if (principal is not null) context.Items[PrincipalItem] = principal;
        else
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteErrorAsync(context, "Unauthorized: send 'Authorization: Bearer <token>'.").ConfigureAwait(false);
            return;
        }
        if (context.Request.ContentLength > options.MaxRequestBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await WriteErrorAsync(context, $"Request body too large (at most {options.MaxRequestBodyBytes:N0} bytes).").ConfigureAwait(false);
            return;
        }
        if (HttpMethods.IsPost(context.Request.Method) && !IsJson(context.Request.ContentType))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await WriteErrorAsync(context, "Send JSON-RPC messages with 'Content-Type: application/json'.").ConfigureAwait(false);
            return;
        }
        if (!options.AllowRemote && context.Request.Headers.Origin is { Count: > 0 } origin && !IsLoopbackOrigin(origin.ToString()))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await WriteErrorAsync(context, "Forbidden origin.").ConfigureAwait(false);
            return;
        }
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await WriteErrorAsync(context, $"Request body too large (at most {options.MaxRequestBodyBytes:N0} bytes).").ConfigureAwait(false);
        }
    }

    /// <summary>The principal whose token the request carries (every token compared, in constant time); null when none matches.</summary>
    private string? PrincipalOf(HttpRequest request)
    {
        string header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        byte[] given = SHA256.HashData(Encoding.UTF8.GetBytes(header.AsSpan(scheme.Length).Trim().ToString()));
        string? found = null;
        foreach (var (principal, hash) in _tokens)
            if (CryptographicOperations.FixedTimeEquals(given, hash)) found ??= "token:" + principal;
        return found;
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type) &&
        string.Equals(type.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase);

    private static bool IsLoopbackOrigin(string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return false;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    // A JSON-RPC error object without an id, as for any request the server could not accept.
    private static Task WriteErrorAsync(HttpContext context, string message)
    {
        context.Response.ContentType = "application/json";
        string body = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":" +
            System.Text.Json.Nodes.JsonValue.Create(message).ToJsonString() + "}}";
        return context.Response.WriteAsync(body);
    }
}
