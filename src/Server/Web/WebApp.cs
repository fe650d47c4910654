using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Connections;
using SocketChat.Server.Logging;

namespace SocketChat.Server.Web;

/// <summary>
/// What the web port answers: the page's files at <c>/</c>, and at <c>/ws</c> a WebSocket that is a chat connection
/// in JSON mode, opened only by pages from an allowed origin (the server's own by default).
/// </summary>
internal sealed class WebApp(ConnectionTracker connections, IOptions<ChatOptions> options, ILogger<WebApp> logger)
{
    // Everything the page loads comes from here; no inline script or style, no framing by other sites.
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private readonly HashSet<string>? _allowed =
        OriginListAttribute.TryParse(options.Value.Web.AllowedOrigins, out var allowed) ? allowed : [];

    public RequestDelegate Build(IServiceProvider services)
    {
        var app = new ApplicationBuilder(services);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.Run(HandleAsync);
        return app.Build();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Path == "/ws")
        {
            await WebSocketAsync(context);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return;
        }

        if (StaticFiles.Find(context.Request.Path.Value ?? "/") is not { } file)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.ETag = file.ETag;
        response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch == file.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = file.ContentType;
        response.ContentLength = file.Content.Length;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await response.Body.WriteAsync(file.Content, context.RequestAborted);
        }
    }

    private async Task WebSocketAsync(HttpContext context)
    {
        var remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("this is the chat's WebSocket: open it with new WebSocket(...)\n", context.RequestAborted);
            return;
        }

        // Another site's page must not use a visitor's browser to chat here (cross-site WebSocket hijacking).
        var origin = context.Request.Headers.Origin.ToString();
        if (!IsAllowed(origin, context.Request))
        {
            ServerLog.WebOriginRefused(logger, remote, origin.Length == 0 ? "(none)" : origin);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        var address = context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
            remote = $"{address}:{context.Connection.RemotePort}";
        }

        using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        await connections.AcceptWebSocketAsync(webSocket, address, remote);
    }

    // The page's own origin (what the browser came to), or one Chat:Web:AllowedOrigins names. A client that is not a
    // browser sends no Origin: it could say anything anyway, and it is let in like a socket.
    private bool IsAllowed(string origin, HttpRequest request)
    {
        if (origin.Length == 0 || _allowed is null)
        {
            return true;
        }

        var own = $"{request.Scheme}://{request.Host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) || _allowed.Contains(origin.TrimEnd('/'));
    }
}
