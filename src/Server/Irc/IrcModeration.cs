using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Irc;
using SocketChat.Server.Clients;
using SocketChat.Server.Rooms;
using SocketChat.Server.Sessions;

namespace SocketChat.Server.Irc;

// IRC's moderation: TOPIC, KICK, channel MODE, INVITE, OPER, KILL and WALLOPS. What changes anything goes through
// SessionCommands as every client's moderation does (checked, stored in the log, applied on every node, told to each
// room in its members' protocols); what IRC asks and answers in its own numerics (the topic, the modes, the ban
// list, not-on-channel) is answered here, from the rules the log made.
internal sealed class IrcModeration(SessionCommands commands, SessionLogin login, Moderation moderation, RoomDirectory rooms, Users users)
{
    // A member's prefix in NAMES and WHO: its highest role's sign, or every sign it has (multi-prefix).
    public static string Prefix(RoomRules rules, string nick, bool all)
    {
        var role = rules.RoleOf(nick);
        var signs = (role.HasFlag(RoomRole.Owner) ? "~" : string.Empty) + (role.HasFlag(RoomRole.Operator) ? "@" : string.Empty) + (role.HasFlag(RoomRole.Voice) ? "+" : string.Empty);
        return all || signs.Length == 0 ? signs : signs[..1];
    }

    public Task TopicAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        if (message[0] is not { } channel)
        {
            session.Reply(session.Numeric("461", "TOPIC :Not enough parameters"));
            return Task.CompletedTask;
        }

        if (IrcChannels.RoomOf(session, channel) is not { } room)
        {
            return Task.CompletedTask;
        }

        var rules = moderation.Rules(room);
        if (message[1] is null)
        {
            if (!Known(room) && rules.Topic is null)
            {
                session.Reply(session.Numeric("403", $"{channel} :No such channel"));
            }
            else if (rules.Has('s') && !session.IsIn(room))
            {
                session.Reply(session.Numeric("442", $"{channel} :You're not on that channel"));
            }
            else
            {
                SendTopic(session, room, rules);
            }

            return Task.CompletedTask;
        }

        if (!session.IsIn(room))
        {
            session.Reply(Known(room)
                ? session.Numeric("442", $"{channel} :You're not on that channel")
                : session.Numeric("403", $"{channel} :No such channel"));
            return Task.CompletedTask;
        }

        irc.Subject = channel;
        return commands.DispatchAsync(session, new ModerateCommand(ModerationVerb.Topic, Name(room), Text: IrcText.Field(message[1]!, SessionModeration.MaxTextLength))).AsTask();
    }

    // 332 and 333, or 331: on joining (only when there is one) and when asked.
    public static void SendTopic(ChatSession session, string room, RoomRules rules, bool unsetToo = true)
    {
        if (rules.Topic is { } topic)
        {
            session.Reply(IrcText.Fit(session.Numeric("332", $"#{room} :"), topic));
            session.Reply(session.Numeric("333", $"#{room} {rules.TopicBy} {rules.TopicAt?.ToUnixTimeSeconds() ?? 0}"));
        }
        else if (unsetToo)
        {
            session.Reply(session.Numeric("331", $"#{room} :No topic is set"));
        }
    }

    public async Task KickAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        if (message[0] is not { } channel || message[1] is not { } targets)
        {
            session.Reply(session.Numeric("461", "KICK :Not enough parameters"));
            return;
        }

        if (IrcChannels.RoomOf(session, channel) is not { } room)
        {
            return;
        }

        if (!session.IsIn(room))
        {
            session.Reply(Known(room) ? session.Numeric("442", $"{channel} :You're not on that channel") : session.Numeric("403", $"{channel} :No such channel"));
            return;
        }

        var members = await commands.MembersAsync(Name(room));
        foreach (var target in targets.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!members.Contains(target, StringComparer.OrdinalIgnoreCase))
            {
                session.Reply(session.Numeric("441", $"{target} {channel} :They aren't on that channel"));
                continue;
            }

            irc.Subject = channel;
            var reason = message[2] is { Length: > 0 } said ? IrcText.Field(said, IrcCommands.MaxReasonBytes) : null;
            await commands.DispatchAsync(session, new ModerateCommand(ModerationVerb.Kick, Name(room), target, reason));
        }
    }

    public async Task ModeAsync(ChatSession session, IrcState irc, IrcMessage message, string channel)
    {
        if (IrcChannels.RoomOf(session, channel) is not { } asked)
        {
            return;
        }

        var room = Name(asked);
        var rules = moderation.Rules(room);

        // A secret room's modes and lists are its members' to see.
        if (moderation.HiddenFrom(session, room))
        {
            session.Reply(session.Numeric("442", $"{channel} :You're not on that channel"));
            return;
        }

        if (message[1] is null)
        {
            session.Reply(session.Numeric("324", $"{channel} {rules.ModeString(withKey: session.IsIn(room) || session.ServerOperator)}"));
            return;
        }

        var change = string.Join(' ', message.Parameters.Skip(1));
        var flags = message[1]!.Trim('+', '-');
        switch (flags)
        {
            case "b" when message[2] is null:
                foreach (var ban in moderation.Active(rules.Bans))
                {
                    session.Reply(session.Numeric("367", $"{channel} {ban.Mask} {ban.By} {ban.At.ToUnixTimeSeconds()}"));
                }

                foreach (var mute in moderation.Active(rules.Mutes))
                {
                    session.Reply(session.Numeric("367", $"{channel} m:{mute.Mask} {mute.By} {mute.At.ToUnixTimeSeconds()}"));
                }

                session.Reply(session.Numeric("368", $"{channel} :End of channel ban list"));
                return;
            case "e":
                session.Reply(session.Numeric("349", $"{channel} :End of channel exception list"));
                return;
            case "I":
                session.Reply(session.Numeric("347", $"{channel} :End of channel invite list"));
                return;
        }

        if (flags.FirstOrDefault(flag => !"+-imnstklovqb".Contains(flag)) is var unknown and not '\0')
        {
            session.Reply(session.Numeric("472", $"{unknown} :is unknown mode char to me"));
            return;
        }

        if (ChannelModes.Parse(change) is null)
        {
            session.Reply(session.Numeric("461", "MODE :Not enough parameters"));
            return;
        }

        if (!session.IsIn(room) && !session.ServerOperator)
        {
            session.Reply(Known(room) ? session.Numeric("442", $"{channel} :You're not on that channel") : session.Numeric("403", $"{channel} :No such channel"));
            return;
        }

        irc.Subject = channel;
        await commands.DispatchAsync(session, new ModerateCommand(ModerationVerb.Mode, room, Text: change) { RemoveBanned = false });
    }

    public async Task InviteAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        if (message[0] is not { } nick || message[1] is not { } channel)
        {
            session.Reply(session.Numeric("461", "INVITE :Not enough parameters"));
            return;
        }

        if (IrcChannels.RoomOf(session, channel) is not { } asked)
        {
            return;
        }

        var room = Name(asked);
        if (await users.FindAsync(nick) is not { } invited)
        {
            session.Reply(session.Numeric("401", $"{nick} :No such nick/channel"));
            return;
        }

        if (!session.IsIn(room))
        {
            session.Reply(Known(room) ? session.Numeric("442", $"{channel} :You're not on that channel") : session.Numeric("403", $"{channel} :No such channel"));
            return;
        }

        if ((await commands.MembersAsync(room)).Contains(invited, StringComparer.OrdinalIgnoreCase))
        {
            session.Reply(session.Numeric("443", $"{invited} {channel} :is already on channel"));
            return;
        }

        irc.Subject = channel;
        await commands.DispatchAsync(session, new ModerateCommand(ModerationVerb.Invite, room, invited) { Confirm = false });
        if (moderation.Rules(room).Invited.Contains(invited))
        {
            session.Reply(session.Numeric("341", $"{invited} #{room}"));
        }
    }

    public async Task OperAsync(ChatSession session, IrcMessage message)
    {
        if (message[0] is not { } name || message[1] is not { } password)
        {
            session.Reply(session.Numeric("461", "OPER :Not enough parameters"));
            return;
        }

        if (!login.HasOperators)
        {
            session.Reply(session.Numeric("491", ":No O-lines for your host"));
            return;
        }

        if (await login.OperAsync(session, new OperCommand(name, password)) is { } refused)
        {
            // Busy: told as such (a NOTICE), not as a wrong password.
            if (refused.Code == SocketChat.Protocol.ErrorCodes.OperFailed)
            {
                session.Reply(session.Numeric("464", ":Password incorrect"));
            }
            else
            {
                session.Send(new SocketChat.Protocol.Events.ErrorEvent(refused.Code, refused.Message));
            }

            return;
        }

        session.Reply(session.Numeric("381", ":You are now an IRC operator"));
        session.Reply($":{IrcEventWriter.Mask(session.Nick)} MODE {session.Nick} :+o");
    }

    public async Task KillAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        if (message[0] is not { } nick)
        {
            session.Reply(session.Numeric("461", "KILL :Not enough parameters"));
            return;
        }

        if (!session.ServerOperator)
        {
            session.Reply(session.Numeric("481", ":Permission Denied- You're not an IRC operator"));
            return;
        }

        if (await users.FindAsync(nick) is null)
        {
            session.Reply(session.Numeric("401", $"{nick} :No such nick/channel"));
            return;
        }

        irc.Subject = nick;
        await commands.DispatchAsync(session, new ModerateCommand(ModerationVerb.Kill, Target: nick, Text: message[1] is { Length: > 0 } why ? IrcText.Field(why, IrcCommands.MaxReasonBytes) : null));
    }

    public async Task WallopsAsync(ChatSession session, IrcMessage message)
    {
        if (message[0] is not { Length: > 0 } text)
        {
            session.Reply(session.Numeric("461", "WALLOPS :Not enough parameters"));
            return;
        }

        if (!session.ServerOperator)
        {
            session.Reply(session.Numeric("481", ":Permission Denied- You're not an IRC operator"));
            return;
        }

        await commands.DispatchAsync(session, new ModerateCommand(ModerationVerb.Wallops, Text: IrcText.Field(text, IrcCommands.MaxReasonBytes)));
    }

    // As the room spells itself, whatever case the client asked in.
    private string Name(string room) => rooms.FindRoom(room)?.Name ?? room;

    private bool Known(string room) => rooms.FindRoom(room) is { Count: > 0 };
}
