using System.Collections.Concurrent;

namespace SocketChat.Server.Irc;

// What an IRC connection has said about itself and negotiated. The read loop sets the registration and the
// capabilities; the write loop alone owns what it has shown the client (its channel, an open batch).
internal sealed class IrcState(string serverName)
{
    private volatile IrcCapabilities _capabilities;

    public string ServerName => serverName;

    public IrcCapabilities Capabilities { get => _capabilities; set => _capabilities = value; }

    public bool Has(IrcCapabilities capability) => (_capabilities & capability) != 0;

    // Registration, read loop only.
    public string? Nick { get; set; }

    public string? User { get; set; }

    public string? RealName { get; set; }

    public string? Password { get; set; }

    // Between CAP LS/CAP REQ and CAP END: registration waits.
    public bool Negotiating { get; set; }

    // SASL PLAIN: the mechanism was chosen and its payload is being received (in 400-byte pieces).
    public System.Text.StringBuilder? SaslPayload { get; set; }

    // The account SASL logged in to, used when registration completes.
    public string? SaslAccount { get; set; }

    // The nickname or channel the last command dispatched to the chat was about, named in its error numeric.
    public string Subject { get; set; } = "*";

    // User mode +i: asked for by clients as they connect; nothing here depends on it.
    public bool Invisible { get; set; }

    // User mode +B (IRCv3 bot mode): the client says it is a bot; WHOIS (335) and WHO ('B') tell others.
    public bool Bot { get; set; }

    // Every user here is logged in, its nickname its account (Chat:Auth:Mode=password): extended-join and
    // account-tag name it.
    public bool AccountsOn { get; init; }

    // How many CHATHISTORY requests it made (their batches' names); the read loop's alone.
    public int HistoryRequests { get; set; }


    private volatile string? _away;

    // The away message, or null when here.
    public string? Away { get => _away; set => _away = value; }


    // Write loop only.

    // The last user shown quitting, until it joins again: each room shared with it tells it.
    public string? LastQuit { get; set; }

    // The last rename shown (old, new): each room shared with the user tells it.
    public (string? Old, string New) LastRename { get; set; }

    public string? OpenBatch { get; set; }

    // labeled-response: the label of the line whose replies are being gathered, and those replies' lines so far
    // (the write loop's alone); null between labelled lines.
    public string? Label { get; set; }

    public List<string>? Labelled { get; set; }

    // The room the open history batch is of.
    public string? OpenBatchRoom { get; set; }

    public int Batches { get; set; }
}
