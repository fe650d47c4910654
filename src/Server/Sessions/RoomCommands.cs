using SocketChat.Protocol.Commands;

namespace SocketChat.Server.Sessions;

// For a connection in several rooms at once (IRC's channels): where each line goes, one more room, one room less.
// Made by a wire protocol's adapter; SocketChat's own lines have one room and never parse to these.

// A line to one of the connection's rooms (PRIVMSG or NOTICE to a channel).
// Cid: an IRC line's label (labeled-response), which its echo carries back.
internal sealed record ChannelSayCommand(string Room, string Text, string? Cid = null) : ClientCommand(Cid);

// Into one more room, staying in the others (JOIN).
internal sealed record ChannelJoinCommand(string Room, string? Key = null) : ClientCommand(Cid: null);

// Out of one room, staying in the others (PART), with what it says as it goes.
internal sealed record ChannelPartCommand(string Room, string? Reason) : ClientCommand(Cid: null);
