using System.ComponentModel.DataAnnotations;
using SocketChat.Hosting.Options;

namespace SocketChat.Client.Configuration;

// The client's part of the Chat section, which it shares with the server.
internal sealed class ClientOptions
{
    public const string SectionName = "Chat";

    // The server; * (the server's "every interface") means this machine.
    [HostAddress]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535, ErrorMessage = "must be from {1} to {2}")]
    public int Port { get; set; } = 8080;

    // Several servers of one cluster, tried in turn when connecting and reconnecting; empty uses Host and Port.
    [ServerList]
    public string Servers { get; set => field = value ?? string.Empty; } = string.Empty;

    // A file whose first line is the account's password, for scripts; unset, the client asks when a server wants it.
    public string PasswordFile { get; set => field = value ?? string.Empty; } = string.Empty;

    // A nickname to take on connecting (on a server with accounts, the account); empty keeps the server's guest name.
    [ChatName(AllowEmpty = true)]
    public string? Nick { get; set; }

    // Which of the account's devices this is (shown what it missed since it was last connected); empty uses the
    // one kept in Chat:StateDirectory's device file, made the first time.
    [ChatName(AllowEmpty = true)]
    public string? Device { get; set; }

    // Where the client keeps what it knows across runs (its device name); empty: $XDG_STATE_HOME/socketchat, else
    // ~/.local/state/socketchat.
    public string StateDirectory { get; set => field = value ?? string.Empty; } = string.Empty;

    // At most the server's dedupe window (1024 client ids), so every resent line is recognised.
    [Range(1, 1000, ErrorMessage = "must be from {1} to {2} lines")]
    public int MaxQueuedLines { get; set; } = 500;

    [Range(1, 600, ErrorMessage = "must be from {1} to {2} seconds")]
    public int ConnectTimeoutSeconds { get; set; } = 10;

    public ReconnectOptions Reconnect { get; set; } = new();

    public ClientTlsOptions Tls { get; set; } = new();

    public string ServerName => Host == "*" ? "localhost" : Host;

    // The servers to try, in order: Servers, else Host and Port.
    public IReadOnlyList<ServerAddress> Addresses() =>
        Servers.Length == 0
            ? [new ServerAddress(ServerName, Port)]
            : [.. Servers.Split(',').Select(entry => ServerAddress.TryParse(entry, Port, out var address) ? address : throw new FormatException(entry))];
}
