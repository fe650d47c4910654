using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Connections;
using SocketChat.Server.Logging;

namespace SocketChat.Server.Web;

// What the web port answers: the page's files at /, and at /ws a WebSocket that is a chat connection
// in JSON mode, opened only by pages from an allowed origin (the server's own by default).
internal sealed class WebApp(ConnectionTracker connections, Listening.ListenerPorts ports, Storage.MessageLog log, IOptions<ChatOptions> options, ILogger<WebApp> logger)
{
    // Everything the page loads comes from here; no inline script or style, no framing by other sites.
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private readonly AllowedHosts _hosts = AllowedHosts.From(options.Value);

    private readonly HashSet<string>? _allowed =
        OriginListAttribute.TryParse(options.Value.Web.AllowedOrigins, out var allowed) ? allowed : [];

    // Balancers whose X-Forwarded-For and X-Forwarded-Proto are believed (Chat:TrustedProxies, as for PROXY headers).
    private readonly IReadOnlyList<System.Net.IPNetwork> _proxies =
        AddressListAttribute.TryParse(options.Value.TrustedProxies, out var proxies) ? proxies : [];

    // Sets the web application's pipeline: WebSocket upgrades, then this.
    public void Configure(IApplicationBuilder app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.Run(HandleAsync);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";

        // Before the origin check, which trusts the Host the request names.
        if (!_hosts.Allows(context.Request.Host))
        {
            ServerLog.WebHostRefused(logger, EndPointFormat.Format(new System.Net.IPEndPoint(context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None, context.Connection.RemotePort)), context.Request.Host.Value ?? string.Empty);
            response.StatusCode = StatusCodes.Status400BadRequest;
            await response.WriteAsync("this server does not answer to that host name (Chat:Web:AllowedHosts)\n", context.RequestAborted);
            return;
        }

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

        if (context.Request.Path == "/health")
        {
            // What the probe's /ping says: the store failing, or delivery late (cluster mode), is a 503 with why: in
            // detail (Redis's address, the error) to this machine, in a few words to anyone else (Chat:HealthDetail).
            var problem = log.ProblemFor(options.Value.ShowsHealthDetailTo(Client(context).Address));
            response.StatusCode = problem is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            response.ContentType = "text/plain; charset=utf-8";
            response.Headers.CacheControl = "no-store";
            await response.WriteAsync(problem is null ? "healthy\n" : $"unhealthy: {problem}\n", context.RequestAborted);
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
        var (address, remote, scheme, forwarded) = Client(context);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("this is the chat's WebSocket: open it with new WebSocket(...)\n", context.RequestAborted);
            return;
        }

        // Another site's page must not use a visitor's browser to chat here (cross-site WebSocket hijacking).
        var origin = context.Request.Headers.Origin.ToString();
        if (!IsAllowed(origin, scheme, context.Request.Host))
        {
            ServerLog.WebOriginRefused(logger, remote, origin.Length == 0 ? "(none)" : origin);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        await connections.AcceptWebSocketAsync(webSocket, ports.Web, address, remote, forwarded);
    }

    // The page's own origin (what the browser came to), or one Chat:Web:AllowedOrigins names. A client that is not a
    // browser sends no Origin: it could say anything anyway, and it is let in like a socket.
    private bool IsAllowed(string origin, string scheme, HostString host)
    {
        if (origin.Length == 0 || _allowed is null)
        {
            return true;
        }

        var own = $"{scheme}://{host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) || _allowed.Contains(origin.TrimEnd('/'));
    }

    // Who is at the other end, and how it reached us: the peer itself, or, when the peer is a trusted balancer, the
    // client its X-Forwarded-For names last (the address the balancer saw) and the scheme it says the browser used.
    // A trusted balancer without the header is speaking for itself (a health check).
    private (System.Net.IPAddress Address, string Remote, string Scheme, bool Forwarded) Client(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None;
        if (peer.IsIPv4MappedToIPv6)
        {
            peer = peer.MapToIPv4();
        }

        (System.Net.IPAddress Address, string Remote, string Scheme, bool Forwarded) direct =
            (peer, EndPointFormat.Format(new System.Net.IPEndPoint(peer, context.Connection.RemotePort)), context.Request.Scheme, false);
        if (!IsTrustedProxy(peer))
        {
            return direct;
        }

        var forwarded = context.Request.Headers["X-Forwarded-For"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (forwarded is not [.., var last] || !System.Net.IPAddress.TryParse(last, out var client))
        {
            return direct;
        }

        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        var proto = context.Request.Headers["X-Forwarded-Proto"].ToString();
        var scheme = proto is "http" or "https" ? proto : context.Request.Scheme;
        ServerLog.ConnectionThroughProxy(logger, client.ToString(), direct.Remote);
        return (client, client.ToString(), scheme, true);
    }

    // Whether peer is a balancer Chat:TrustedProxies names, whose X-Forwarded-For is believed.
    public bool IsTrustedProxy(System.Net.IPAddress peer) => _proxies.Any(network => network.Contains(peer));
}
