namespace SocketChat.Server.Supervision;

/// <summary>What <see cref="FailureRun.Failed"/> says to log.</summary>
internal enum FailureReport
{
    /// <summary>Nothing: said already, less than a minute ago.</summary>
    None,

    /// <summary>The first failure of a run: log it with its exception.</summary>
    First,

    /// <summary>The reason changed, or a minute passed: one line with the count, no stack.</summary>
    Again,
}
