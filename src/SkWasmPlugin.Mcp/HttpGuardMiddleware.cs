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
    private readonly byte[]? _tokenHash = string.IsNullOrEmpty(options.Token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Token));

    public async Task InvokeAsync(HttpContext context)
    {
        if (_tokenHash is not null && !HasValidToken(context.Request))
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

    private bool HasValidToken(HttpRequest request)
    {
        string header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        byte[] given = SHA256.HashData(Encoding.UTF8.GetBytes(header.AsSpan(scheme.Length).Trim().ToString()));
        return CryptographicOperations.FixedTimeEquals(given, _tokenHash);
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
