namespace SocketChat.Server.Supervision;

// What FailureRun.Failed says to log.
internal enum FailureReport
{
    // Nothing: said already, less than a minute ago.
    None,

    // The first failure of a run: log it with its exception.
    First,

    // The reason changed, or a minute passed: one line with the count, no stack.
    Again,
}
