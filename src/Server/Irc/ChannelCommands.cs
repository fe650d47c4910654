using SocketChat.Protocol.Commands;

namespace SocketChat.Server.Irc;

// What IRC asks of the chat that its own clients cannot: a connection in several rooms at once says where each
// line goes, joins one more room and leaves one. Made by the IRC commands only, never parsed from a client line.

/// <summary>A line to one of the connection's rooms (PRIVMSG or NOTICE to a channel).</summary>
internal sealed record ChannelSayCommand(string Room, string Text) : ClientCommand(Cid: null);

/// <summary>Into one more room, staying in the others (JOIN).</summary>
internal sealed record ChannelJoinCommand(string Room) : ClientCommand(Cid: null);

/// <summary>Out of one room, staying in the others (PART), with what it says as it goes.</summary>
internal sealed record ChannelPartCommand(string Room, string? Reason) : ClientCommand(Cid: null);
