using Microsoft.Extensions.Logging;
using SocketChat.Server.Logging;

namespace SocketChat.Server.Supervision;

// One attempt of a background loop's work, reported through a FailureRun: any failure but the
// loop's own cancellation is logged (once per run, then rarely) and swallowed, so the loop goes on to its next try.
internal static class Retrying
{
    // Runs work once; true when it worked.
    public static async Task<bool> AttemptAsync(string name, FailureRun run, ILogger logger, Func<Task> work, CancellationToken stopping)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && stopping.IsCancellationRequested))
        {
            run.Report(ex, failed => ServerLog.BackgroundFailed(logger, name, failed), (failures, reason) => ServerLog.BackgroundStillFailing(logger, name, failures, reason));
            return false;
        }

        if (run.Recovered() is var failed and > 0)
        {
            ServerLog.BackgroundRecovered(logger, name, failed);
        }

        return true;
    }
}
