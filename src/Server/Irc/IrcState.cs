using System.Collections.Concurrent;

namespace SocketChat.Server.Irc;

/// <summary>
/// What an IRC connection has said about itself and negotiated. The read loop sets the registration and the
/// capabilities; the write loop alone owns what it has shown the client (its channel, an open batch).
/// </summary>
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

    /// <summary>Between <c>CAP LS</c>/<c>CAP REQ</c> and <c>CAP END</c>: registration waits.</summary>
    public bool Negotiating { get; set; }

    /// <summary>SASL PLAIN: the mechanism was chosen and its payload is being received (in 400-byte pieces).</summary>
    public System.Text.StringBuilder? SaslPayload { get; set; }

    /// <summary>The account SASL logged in to, used when registration completes.</summary>
    public string? SaslAccount { get; set; }

    /// <summary>The nickname or channel the last command dispatched to the chat was about, named in its error numeric.</summary>
    public string Subject { get; set; } = "*";

    /// <summary>User mode +i: asked for by clients as they connect; nothing here depends on it.</summary>
    public bool Invisible { get; set; }


    private volatile string? _away;

    /// <summary>The away message, or null when here.</summary>
    public string? Away { get => _away; set => _away = value; }


    // Write loop only.

    /// <summary>The last user shown quitting, until it joins again: each room shared with it tells it.</summary>
    public string? LastQuit { get; set; }

    /// <summary>The last rename shown (old, new): each room shared with the user tells it.</summary>
    public (string? Old, string New) LastRename { get; set; }

    public string? OpenBatch { get; set; }

    public int Batches { get; set; }
}
