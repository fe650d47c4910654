using Serilog;
using Serilog.Events;
using SocketChat.Hosting.Options;

namespace SocketChat.Hosting;

// How both programs start and end: a bootstrap logger, one clear line for what the user can fix, and the exit code.
public static class ProgramRunner
{
    // Runs body. A bad setting prints one line per problem on stderr and exits 2; a failure the
    // program words itself (IReportedAtStartup, a port in use) prints its message and exits 1;
    // anything else is logged as fatal and exits 1.
    public static async Task<int> RunAsync(string program, Func<Task<int>> body)
    {
        Log.Logger = new LoggerConfiguration().WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose).CreateBootstrapLogger();
        try
        {
            return await body();
        }
        catch (Exception ex) when (StartupErrors.TryDescribe(ex, out var lines))
        {
            foreach (var line in lines)
            {
                await Console.Error.WriteLineAsync(line);
            }

            return StartupErrors.BadSettingExitCode;
        }
        catch (Exception ex) when (ex is IReportedAtStartup reported)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return reported.ExitCode;
        }
        catch (Exception ex)
        {
            Log.Fatal(ex, "{Program} stopped unexpectedly", program);
            return 1;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
