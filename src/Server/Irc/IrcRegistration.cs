using System.Text;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Irc;
using SocketChat.Protocol.Text;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Irc;

// An IRC connection until it is registered: capability negotiation, PASS, NICK, USER and SASL PLAIN. Registration
// completes when it has a nickname and a user, and is not negotiating; it is then in no channel until it joins one.
internal sealed class IrcRegistration(SessionLifecycle lifecycle, SessionLogin login)
{
    // SASL payloads come in pieces of 400 base64 characters; PLAIN needs far fewer than this.
    private const int MaxSaslPayload = 2048;

    // Acts on a line before registration; false when the connection should close.
    public async ValueTask<bool> HandleAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        var server = irc.ServerName;
        switch (message.Command)
        {
            case "CAP":
                Capabilities(session, irc, message);
                break;
            case "PASS" when message[0] is null:
                session.Reply(session.Numeric("461", "PASS :Not enough parameters"));
                return true;
            case "PASS":
                irc.Password = message[0];
                return true;
            case "NICK" when string.IsNullOrEmpty(message[0]):
                session.Reply(session.Numeric("431", ":No nickname given"));
                return true;
            case "NICK" when !IsValidNick(message[0]!):
                session.Reply(session.Numeric("432", $"{message[0]} :Erroneous nickname: use {ChatNames.Rule}"));
                return true;
            case "NICK":
                irc.Nick = message[0];
                break;
            case "USER" when message.Parameters.Count < 4 || message[0]!.Length == 0 || message[3]!.Length == 0:
                session.Reply(session.Numeric("461", "USER :Not enough parameters"));
                return true;
            case "USER":
                irc.User = Ident(message[0]!);
                irc.RealName = IrcText.Field(message[3]!, IrcCommands.MaxReasonBytes);
                session.Ident = new ClientIdent(irc.User, irc.RealName);
                break;
            case "AUTHENTICATE":
                await AuthenticateAsync(session, irc, message);
                return true;
            case "PING" when message[0] is { } token:
                session.Reply($":{server} PONG {server} :{token}");
                return true;
            case "PONG":
                return true;
            case "QUIT":
                session.Reply("ERROR :Closing link: (Quit)");
                return false;
            default:
                session.Reply(session.Numeric("451", ":You have not registered"));
                return true;
        }

        return await TryCompleteAsync(session, irc);
    }

    // CAP LS, LIST, REQ and END; also after registration (REQ then changes what the connection gets).
    public void Capabilities(ChatSession session, IrcState irc, IrcMessage message)
    {
        var server = irc.ServerName;
        var nick = session.Registered ? session.Nick : "*";
        switch (message[0]?.ToUpperInvariant())
        {
            case "LS":
                irc.Negotiating |= !session.Registered;
                session.Reply($":{server} CAP {nick} LS :{IrcCapabilityNames.Offered(login.Required, int.TryParse(message[1], out var version) && version >= 302)}");
                break;
            case "LIST":
                session.Reply($":{server} CAP {nick} LIST :{IrcCapabilityNames.Names(irc.Capabilities)}");
                break;
            case "REQ" when message[1] is { } requested:
                irc.Negotiating |= !session.Registered;
                var capabilities = irc.Capabilities;
                foreach (var name in requested.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var off = name.StartsWith('-');
                    if (IrcCapabilityNames.Find(name.TrimStart('-'), login.Required) is not { } flag)
                    {
                        // All or none (IRCv3 capability negotiation).
                        session.Reply($":{server} CAP {nick} NAK :{requested}");
                        return;
                    }

                    capabilities = off ? capabilities & ~flag : capabilities | flag;
                }

                irc.Capabilities = capabilities;

                // A client that asks for history itself is not sent it on joining (as ergo does).
                session.ReplaysHistory = !capabilities.HasFlag(IrcCapabilities.ChatHistory);
                session.Reply($":{server} CAP {nick} ACK :{requested}");
                break;
            case "END":
                irc.Negotiating = false;
                break;
            default:
                session.Reply(session.Numeric("410", $"{message[0]} :Invalid CAP command"));
                break;
        }
    }

    // Completes registration once the connection has said enough; false when it must close.
    public async ValueTask<bool> TryCompleteAsync(ChatSession session, IrcState irc)
    {
        if (irc.Nick is not { } nick || irc.User is null || irc.Negotiating || irc.SaslPayload is not null)
        {
            return true;
        }

        if (login.Required)
        {
            // The nickname is the account: SASL's, else the one PASS proves for the nickname given.
            var account = irc.SaslAccount;
            session.AwaitingLogin = true;
            if (account is null && irc.Password is { } password)
            {
                var (verified, _) = await login.VerifyAsync(session, new LoginCommand(nick, password));
                account = verified;
                if (account is null)
                {
                    session.Reply(session.Numeric("464", ":Password incorrect"));
                    session.Reply("ERROR :Closing link: wrong account name or password");
                    return false;
                }
            }

            if (account is null)
            {
                session.Reply($":{irc.ServerName} NOTICE * :this server needs an account: log in with SASL PLAIN, or PASS with your account's password");
                session.Reply("ERROR :Closing link: an account is needed");
                return false;
            }

            await lifecycle.LogInAsync(session, account);
        }
        else if (!await lifecycle.GreetAsNamedAsync(session, nick))
        {
            session.Reply(session.Numeric("433", $"{nick} :Nickname is already in use"));
            irc.Nick = null;
            return true;
        }

        return true;
    }

    private async Task AuthenticateAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        var argument = message[0];
        if (!login.Required || argument is null)
        {
            session.Reply(session.Numeric("904", ":SASL authentication failed"));
            return;
        }

        if (argument == "*")
        {
            irc.SaslPayload = null;
            session.Reply(session.Numeric("906", ":SASL authentication aborted"));
            return;
        }

        if (irc.SaslAccount is not null)
        {
            session.Reply(session.Numeric("907", ":You have already authenticated using SASL"));
            return;
        }

        if (irc.SaslPayload is not { } payload)
        {
            if (!string.Equals(argument, "PLAIN", StringComparison.OrdinalIgnoreCase))
            {
                session.Reply(session.Numeric("908", "PLAIN :are available SASL mechanisms"));
                session.Reply(session.Numeric("904", ":SASL authentication failed"));
                return;
            }

            irc.SaslPayload = new StringBuilder();
            session.Reply("AUTHENTICATE +");
            return;
        }

        if (argument != "+")
        {
            payload.Append(argument);
        }

        if (payload.Length > MaxSaslPayload)
        {
            irc.SaslPayload = null;
            session.Reply(session.Numeric("905", ":SASL message too long"));
            return;
        }

        // A piece of exactly 400 characters means more follow.
        if (argument.Length == 400)
        {
            return;
        }

        irc.SaslPayload = null;
        if (!TryDecodePlain(payload.ToString(), out var name, out var password))
        {
            session.Reply(session.Numeric("904", ":SASL authentication failed"));
            return;
        }

        session.AwaitingLogin = true;
        var (account, failure) = await login.VerifyAsync(session, new LoginCommand(LoginCommand.SplitDevice(name, out var device), password) { Device = device });
        if (account is null)
        {
            session.Reply(session.Numeric("904", $":SASL authentication failed: {failure?.Message}"));
            return;
        }

        irc.SaslAccount = account;
        session.Reply(session.Numeric("900", $"{IrcEventWriter.Mask(account)} {account} :You are now logged in as {account}"));
        session.Reply(session.Numeric("903", ":SASL authentication successful"));
    }

    // PLAIN (RFC 4616): authorization identity, NUL, account, NUL, password; the first may be empty or the account.
    private static bool TryDecodePlain(string base64, out string name, out string password)
    {
        name = password = string.Empty;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return false;
        }

        // authzid NUL authcid NUL password; the device (name@device, as soju and ergo take it) in either, the
        // authzid otherwise the account itself.
        var parts = Encoding.UTF8.GetString(bytes).Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            return false;
        }

        var account = LoginCommand.SplitDevice(parts[1], out var device);
        if (parts[0].Length > 0)
        {
            var authorized = LoginCommand.SplitDevice(parts[0], out var named);
            if (authorized != account || (device is not null && named is not null && named != device))
            {
                return false;
            }

            device ??= named;
        }

        if (device is { Length: 0 })
        {
            return false;
        }

        (name, password) = (device is null ? account : $"{account}@{device}", parts[2]);
        return true;
    }

    // The user name it gave, as WHOIS and WHO show it: what is safe in a mask, else a stand-in.
    private static string Ident(string user)
    {
        var kept = new string(user.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-').Take(16).ToArray());
        return kept.Length > 0 ? kept : "user";
    }

    public static bool IsValidNick(string nick) =>
        ChatNames.IsValid(nick) && !string.Equals(nick, ChatNames.Server, StringComparison.OrdinalIgnoreCase);
}
