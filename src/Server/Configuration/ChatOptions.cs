using Microsoft.Extensions.Configuration;
using SocketChat.Hosting.Options;
using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

// The server's part of the Chat section.
internal sealed class ChatOptions
{
    public const string SectionName = "Chat";

    // The section, checked like the host checks it at start, for the subcommands and the probe that run without
    // a host; a bad setting throws the same one-line-per-problem error.
    public static ChatOptions Read(IConfiguration configuration)
    {
        KnownSettings.ThrowIfUnknown(configuration);
        var options = configuration.GetSection(SectionName).Get<ChatOptions>() ?? new ChatOptions();
        var validation = new SettingsValidator<ChatOptions>(SectionName).Validate(null, options);
        return validation.Failed
            ? throw new Microsoft.Extensions.Options.OptionsValidationException(SectionName, typeof(ChatOptions), validation.Failures)
            : options;
    }

    [HostAddress]
    public string Host { get; set; } = "*";

    [Range(0, 65535, ErrorMessage = "must be from {1} to {2} (0 picks a free port)")]
    public int Port { get; set; } = 8080;

    [Range(64, 1_048_576, ErrorMessage = "must be from {1} to {2} bytes")]
    public int MaxLineBytes { get; set; } = 4096;

    [Range(4096, 1_073_741_824, ErrorMessage = "must be from {1} to {2} bytes")]
    public int MaxQueuedBytesPerClient { get; set; } = 1_048_576;

    [Range(1, 1_000_000, ErrorMessage = "must be from {1} to {2}")]
    public int MaxQueuedMessagesPerClient { get; set; } = 10_000;

    [Range(1, 65535, ErrorMessage = "must be from {1} to {2}")]
    public int ListenBacklog { get; set; } = 4096;

    [Range(0, 3600, ErrorMessage = "must be from {1} to {2} seconds")]
    public int ShutdownGraceSeconds { get; set; } = 5;

    [Range(0, 300, ErrorMessage = "must be from {1} to {2} seconds (0 drops a full client without holding senders back)")]
    public int SlowClientGraceSeconds { get; set; } = 5;

    [Range(0, 86_400, ErrorMessage = "must be from {1} to {2} seconds (0 turns resuming off)")]
    public int ResumeWindowSeconds { get; set; } = 120;

    // With Chat:Storage:Provider=memory: the messages kept per room.
    [Range(0, 100_000, ErrorMessage = "must be from {1} to {2} messages")]
    public int HistoryPerRoom { get; set; } = 100;

    // TCP load balancers (addresses or networks) that send a PROXY protocol header before each client's bytes:
    // connections from them must start with one, and the client it names is the one limits, bans and logs see.
    [AddressList]
    public string TrustedProxies { get; set; } = string.Empty;

    public StorageOptions Storage { get; set; } = new();

    public HistoryOptions History { get; set; } = new();

    // Where the server keeps its files (accounts); empty means $STATE_DIRECTORY under systemd, else data/ beside the program.
    public string DataDirectory { get; set; } = string.Empty;

    public LimitsOptions Limits { get; set; } = new();

    public AuthOptions Auth { get; set; } = new();

    public TlsOptions Tls { get; set; } = new();

    public IrcOptions Irc { get; set; } = new();

    public WebOptions Web { get; set; } = new();

    public MetricsOptions Metrics { get; set; } = new();

    public OperatorConsoleMode OperatorConsole { get; set; } = OperatorConsoleMode.Auto;

    // Who /health and a pong tell why the server is unhealthy; others get a one-line status.
    public HealthDetail HealthDetail { get; set; } = HealthDetail.Loopback;

    // Whether a client at address is told the detail of what is wrong (HealthDetail).
    public bool ShowsHealthDetailTo(System.Net.IPAddress address) =>
        HealthDetail == HealthDetail.Anyone || System.Net.IPAddress.IsLoopback(address);

    // Server operators by settings (an OPER block): name to a password hash as `users` writes it. /oper NAME PASSWORD
    // (IRC OPER) makes a connection one; so does logging in to an account marked operator in the users file.
    public Dictionary<string, string> Operators { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    [ChatName]
    public string DefaultRoom { get; set; } = "lobby";

    // This server's name in a cluster, in its logs and counters; empty means its host name and port.
    [RegularExpression("^[A-Za-z0-9._:-]{0,64}$", ErrorMessage = "must be up to 64 letters, digits, '.', '_', ':' or '-'")]
    public string NodeName { get; set; } = string.Empty;

    // This server's name: NodeName, else its host name and port (a port picked at random, 0, gets a
    // random suffix instead, so several nodes on one machine never share a name). Decided once.
    public string Node => _node ??= NodeName is { Length: > 0 } named ? named
        : Port != 0 ? $"{System.Net.Dns.GetHostName()}:{Port}"
        : $"{System.Net.Dns.GetHostName()}:{Guid.NewGuid().ToString("N")[..8]}";

    private string? _node;

    // This process's name in a cluster: Node and a random part, new at every start. What a node
    // stores and claims carries it, so two processes can never take each other's entries or names for their own.
    public string Run => _run ??= $"{Node}:{Guid.NewGuid().ToString("N")[..12]}";

    private string? _run;

    // Rooms with more members than this do not announce joins, leaves and renames: in a room of N, every arrival
    // would cost N deliveries, and filling it N² (50 million for 10,000). 0 announces always.
    [Range(0, 1_000_000, ErrorMessage = "must be from {1} to {2} members (0 always announces)")]
    public int PresenceRoomSizeLimit { get; set; } = 200;
}
