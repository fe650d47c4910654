namespace SocketChat.Protocol;

/// <summary>The machine-readable <c>code</c> of every error the server sends.</summary>
public static class ErrorCodes
{
    /// <summary>A line exceeded <c>Chat:MaxLineBytes</c>.</summary>
    public const string LineTooLong = "line_too_long";

    /// <summary>A line was not valid UTF-8.</summary>
    public const string InvalidUtf8 = "invalid_utf8";

    /// <summary>A JSON-mode line was not a JSON object of a known shape.</summary>
    public const string InvalidJson = "invalid_json";

    /// <summary>An unknown command or JSON <c>type</c>.</summary>
    public const string UnknownCommand = "unknown_command";

    /// <summary>A command's arguments were missing or malformed.</summary>
    public const string BadArguments = "bad_arguments";

    /// <summary>A nickname or room name broke the naming rule.</summary>
    public const string InvalidName = "invalid_name";

    /// <summary>The nickname belongs to another connection.</summary>
    public const string NickTaken = "nick_taken";

    /// <summary>No connection has that nickname.</summary>
    public const string NoSuchNick = "no_such_nick";

    /// <summary><c>/json</c> came after the first line.</summary>
    public const string ModeSwitchTooLate = "mode_switch_too_late";

    /// <summary>The resume token is unknown or expired; the connection continues as a new guest.</summary>
    public const string ResumeFailed = "resume_failed";

    /// <summary>The server will not serve this client; it closes the connection and the client must not retry.</summary>
    public const string Refused = "refused";

    /// <summary>The client sent faster than its rate for too long and is disconnected.</summary>
    public const string Flooding = "flooding";

    /// <summary>The client's outbound queue overflowed and it was disconnected.</summary>
    public const string SlowConsumer = "slow_consumer";

    /// <summary>Password mode: the connection must log in (<c>/login NAME PASSWORD</c>) before this command.</summary>
    public const string LoginRequired = "login_required";

    /// <summary>The account name or password was wrong; the connection stays up and may try again.</summary>
    public const string LoginFailed = "login_failed";

    /// <summary>The connection did not log in within <c>Chat:Auth:LoginTimeoutSeconds</c> and is closed.</summary>
    public const string LoginTimeout = "login_timeout";

    /// <summary>Password mode: a nickname is the account's name and cannot be changed.</summary>
    public const string NickFixed = "nick_fixed";

    /// <summary>The server accepts only TLS from this address; the connection is closed.</summary>
    public const string TlsRequired = "tls_required";

    /// <summary>Password mode: too many logins are being checked; this one was not. Try again in a few seconds.</summary>
    public const string Busy = "busy";

    /// <summary>JSON mode: the <c>cid</c> was already used for a different message; nothing was stored or delivered.</summary>
    public const string CidReused = "cid_reused";

    /// <summary>Password mode: the account logged in on another connection, which takes over; this one closes and must not reconnect by itself.</summary>
    public const string LoggedInElsewhere = "logged_in_elsewhere";

    /// <summary>The server cannot reach its store (cluster mode: Redis) to let this connection in; it is closed. Try again shortly.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>Only an operator (or owner) of the room may do that; nothing changed.</summary>
    public const string NotOperator = "not_operator";

    /// <summary>Only a server operator may do that; nothing changed.</summary>
    public const string NotServerOperator = "not_server_operator";

    /// <summary>The user is banned from the room (it cannot join, nor speak in it) or from the server.</summary>
    public const string Banned = "banned";

    /// <summary>A nickname change refused: the user is banned or muted in one of its rooms (it could speak again under a
    /// new name), or the new name is banned from the server.</summary>
    public const string NickChangeBanned = "nick_change_banned";

    /// <summary>A moderation change beyond the pace one connection may make them at; it was not made.</summary>
    public const string TooFast = "too_fast";

    /// <summary>The user is muted in the room (or server-wide), or the room is moderated and it has no voice.</summary>
    public const string Muted = "muted";

    /// <summary>The room is invite-only (<c>+i</c>) and the user was not invited.</summary>
    public const string InviteOnly = "invite_only";

    /// <summary>The room has a key (<c>+k</c>) and the join did not give it.</summary>
    public const string BadKey = "bad_key";

    /// <summary>The room has as many members as its limit (<c>+l</c>).</summary>
    public const string RoomFull = "room_full";

    /// <summary>The connection is in no room (it was kicked, or its room refused it): <c>/join ROOM</c>.</summary>
    public const string NotInRoom = "not_in_room";

    /// <summary><c>/oper</c>: the name or password is wrong, or the account is no operator.</summary>
    public const string OperFailed = "oper_failed";

    /// <summary>A server operator closed this connection; it must not reconnect by itself.</summary>
    public const string Killed = "killed";
}
