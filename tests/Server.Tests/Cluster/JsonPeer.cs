using System.Text.Json;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// A JSON client whose lines are read as they come, kept in order, and waited for by what they say: several outcomes
// in flight at once (acknowledgements, errors, events) are each found when wanted.
internal sealed class JsonPeer : IAsyncDisposable
{
    private readonly TestClient _client;
    private readonly List<JsonElement> _received = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _reading;

    private JsonPeer(TestClient client)
    {
        _client = client;
        _reading = Task.Run(ReadAsync);
    }

    public string? Token { get; private set; }

    public bool Closed { get; private set; }

    // Connects in JSON mode and logs in as account on device; the peer, with the welcome or what refused it.
    public static async Task<(JsonPeer Peer, JsonElement Answer)> LogInAsync(TestServer server, string account, string password, string device)
    {
        var peer = new JsonPeer(await server.ConnectAsync());
        await peer.SendAsync("/json");
        await peer.WaitForAsync(line => Type(line) == "login_required");
        await peer.SendAsync($$"""{"type":"login","name":"{{account}}","password":"{{password}}","device":"{{device}}"}""");
        var answer = await peer.WaitForAsync(line => Type(line) is "welcome" or "error");
        peer.Token = answer.TryGetProperty("token", out var token) ? token.GetString() : null;
        return (peer, answer);
    }

    // Connects and resumes token; the peer, with the welcome or what refused it.
    public static async Task<(JsonPeer Peer, JsonElement Answer)> ResumeAsync(TestServer server, string token)
    {
        var peer = new JsonPeer(await server.ConnectAsync());
        await peer.SendAsync($"/json resume {token} 0");
        var answer = await peer.WaitForAsync(line => Type(line) is "welcome" or "error" or "login_required");
        peer.Token = token;
        return (peer, answer);
    }

    public static string? Type(JsonElement line) => line.TryGetProperty("type", out var type) ? type.GetString() : null;

    public static string? Text(JsonElement line, string name) => line.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public Task SendAsync(string line) => _client.SendAsync(line);

    // Everything received so far, in order.
    public List<JsonElement> Received()
    {
        lock (_received)
        {
            return [.. _received];
        }
    }

    // The first line received (from the start) that matches; fails after the test timeout, or when the connection
    // closes first.
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TestTimeouts.Default);
        var seen = 0;
        while (true)
        {
            lock (_received)
            {
                for (; seen < _received.Count; seen++)
                {
                    if (match(_received[seen]))
                    {
                        return _received[seen];
                    }
                }

                if (Closed)
                {
                    throw new InvalidOperationException("the connection closed before the line waited for");
                }
            }

            // Woken by each line that comes (another waiter may take the wake-up: looked again every 50 ms).
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("the line waited for never came");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50));
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _client.ReadLineAsync(TimeSpan.FromMinutes(10)) is { } line)
            {
                using var document = JsonDocument.Parse(line);
                lock (_received)
                {
                    _received.Add(document.RootElement.Clone());
                }

                _arrived.Release();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or TimeoutException or JsonException or System.Net.Sockets.SocketException)
        {
            // Closed, reset or not JSON: the connection is over for this peer.
        }
        finally
        {
            lock (_received)
            {
                Closed = true;
            }

            _arrived.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _arrived.Dispose();
    }
}
