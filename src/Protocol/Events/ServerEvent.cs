namespace SocketChat.Protocol.Events;

/// <summary>One thing the server tells a client, encoded by <see cref="Encoders.EventWriter"/> for either wire mode.</summary>
public abstract record ServerEvent;
