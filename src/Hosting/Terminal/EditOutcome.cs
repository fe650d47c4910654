namespace SocketChat.Hosting.Terminal;

public enum EditOutcome
{
    // Nothing visible changed.
    None,

    // The line or cursor changed; redraw it.
    Changed,

    // Enter: the line is complete.
    Submitted,

    // Ctrl+D on an empty line, or Ctrl+C: the user is done.
    EndOfInput,
}
