using SocketChat.Protocol;
using SocketChat.Protocol.Events;
using SocketChat.Protocol.Irc;
using SocketChat.Protocol.Text;

namespace SocketChat.Server.Irc;

// The lines of the replies that are more than one numeric: registration, MOTD, the chat's errors.
internal static class IrcReplies
{
    public const string Version = "SocketChat-1";

    // The longest away message kept, in bytes (AWAYLEN).
    public const int AwayLength = 200;

    // What 005 tells a client; every token is true of this server.
    public static readonly string[] Support =
    [
        $"AWAYLEN={AwayLength}",
        "BOT=B",
        "CASEMAPPING=ascii",
        $"CHANLIMIT=#:{IrcChannels.MaxChannels}",
        "CHANMODES=b,k,l,imnst",
        $"CHANNELLEN={ChatNames.MaxLength + 1}",
        "CHANTYPES=#",
        $"CHATHISTORY={IrcChatHistory.MaxLimit}",
        "MODES=6",
        $"MONITOR={Sessions.NickWatch.MaxPerWatcher}",
        "MSGREFTYPES=msgid,timestamp",
        "NETWORK=SocketChat",
        $"NICKLEN={ChatNames.MaxLength}",
        "PREFIX=(qov)~@+",
        "TARGMAX=NAMES:1,WHOIS:1,PRIVMSG:1,NOTICE:1",
        "UTF8ONLY",
        "WHOX",
    ];

    private static readonly string[] MessageOfTheDay =
    [
        "This is a SocketChat server: people on IRC, nc, telnet and the SocketChat client share its rooms.",
        "Rooms are channels: JOIN #lobby to meet the nc and telnet users, who land there.",
        "Every message is stored before anyone sees it; recent ones are shown when you join.",
    ];

    // What INFO tells a client (371 each, then 374).
    public static readonly string[] Info =
    [
        $"{Version}: a self-hosted chat server in C# on .NET.",
        "IRC, nc and telnet, the SocketChat client (text or JSON) and the browser page share the same rooms.",
        "Every message is stored before it is delivered, and logged once.",
    ];

    private static readonly DateTimeOffset Started = DateTimeOffset.UtcNow;

    public static IEnumerable<string> Welcome(string server, string nick)
    {
        yield return $":{server} 001 {nick} :Welcome to the SocketChat IRC network, {IrcEventWriter.Mask(nick)}";
        yield return $":{server} 002 {nick} :Your host is {server}, running version {Version}";
        yield return $":{server} 003 {nick} :This server was created {Started:yyyy-MM-dd HH:mm:ss} UTC";
        yield return $":{server} 004 {nick} {server} {Version} Biow biklmnoqstv bklovq";
        yield return $":{server} 005 {nick} {string.Join(' ', Support)} :are supported by this server";
        foreach (var line in Motd(server, nick))
        {
            yield return line;
        }
    }

    public static IEnumerable<string> Motd(string server, string nick)
    {
        yield return $":{server} 375 {nick} :- {server} Message of the day - ";
        foreach (var line in MessageOfTheDay)
        {
            yield return $":{server} 372 {nick} :- {line}";
        }

        yield return $":{server} 376 {nick} :End of /MOTD command.";
    }

    public static string Numeric(string server, string code, string nick, string parameters) => $":{server} {code} {nick} {parameters}";

    // A refusal by the chat, as the numeric a client expects for it; subject is what it was about.
    public static string ForError(string server, string nick, string subject, ErrorEvent error) => error.Code switch
    {
        ErrorCodes.NickTaken => Numeric(server, "433", nick, $"{subject} :Nickname is already in use"),
        ErrorCodes.InvalidName or ErrorCodes.NickFixed => Numeric(server, "432", nick, $"{subject} :{error.Message}"),
        ErrorCodes.NoSuchNick => Numeric(server, "401", nick, $"{subject} :No such nick/channel"),
        ErrorCodes.Banned => Numeric(server, "474", nick, $"{subject} :Cannot join channel (+b)"),
        ErrorCodes.NickChangeBanned => Numeric(server, "435", nick, $"{subject} :{error.Message}"),
        ErrorCodes.Refused => $"ERROR :Closing link: {error.Message}",
        ErrorCodes.InviteOnly => Numeric(server, "473", nick, $"{subject} :Cannot join channel (+i)"),
        ErrorCodes.BadKey => Numeric(server, "475", nick, $"{subject} :Cannot join channel (+k)"),
        ErrorCodes.RoomFull => Numeric(server, "471", nick, $"{subject} :Cannot join channel (+l)"),
        ErrorCodes.Muted => Numeric(server, "404", nick, $"{subject} :Cannot send to channel ({error.Message})"),
        ErrorCodes.NotOperator => Numeric(server, "482", nick, $"{subject} :You're not channel operator"),
        ErrorCodes.NotServerOperator => Numeric(server, "481", nick, ":Permission Denied- You're not an IRC operator"),
        ErrorCodes.Killed => $"ERROR :Closing link: {error.Message}",
        ErrorCodes.LineTooLong => Numeric(server, "417", nick, ":Input line was too long"),
        ErrorCodes.LoginRequired => Numeric(server, "451", nick, ":You have not registered"),
        ErrorCodes.Flooding or ErrorCodes.LoggedInElsewhere or ErrorCodes.LoginTimeout or ErrorCodes.SlowConsumer or ErrorCodes.Unavailable => $"ERROR :Closing link: {error.Message}",
        _ => $":{server} NOTICE {nick} :error: {error.Message}",
    };

    // NAMES: the members in lines that fit 512 bytes, then the end.
    public static IEnumerable<string> Names(string server, string nick, string room, IReadOnlyList<string> members, bool end = true, char symbol = '=')
    {
        var head = $":{server} 353 {nick} {symbol} #{room} :";
        var line = new System.Text.StringBuilder(head);
        foreach (var member in members)
        {
            if (line.Length > head.Length && line.Length + member.Length + 1 > IrcMessage.MaxBodyBytes - 2)
            {
                yield return line.ToString();
                line.Clear().Append(head);
            }

            line.Append(line.Length > head.Length ? " " : string.Empty).Append(member);
        }

        if (line.Length > head.Length)
        {
            yield return line.ToString();
        }

        if (end)
        {
            yield return $":{server} 366 {nick} #{room} :End of /NAMES list.";
        }
    }
}
