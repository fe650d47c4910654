namespace SocketChat.Protocol.Events;

/// <summary>One thing the server tells a client, encoded by <see cref="Encoding.EventWriter"/> for either wire mode.</summary>
public abstract record ServerEvent;
