namespace SocketChat.Hosting.Terminal;

public enum EditOutcome
{
    /// <summary>Nothing visible changed.</summary>
    None,

    /// <summary>The line or cursor changed; redraw it.</summary>
    Changed,

    /// <summary>Enter: the line is complete.</summary>
    Submitted,

    /// <summary>Ctrl+D on an empty line, or Ctrl+C: the user is done.</summary>
    EndOfInput,
}
