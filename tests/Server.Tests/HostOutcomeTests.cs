using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SocketChat.Server.Supervision;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class HostOutcomeTests
{
    [Fact]
    public async Task ExitCode_ABackgroundServiceFailedAndStoppedTheHost_NonZero()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>(), services => services.AddHostedService<FailingService>());

        var outcome = HostOutcome.Of(server.Host.Services);
        await WaitStoppedAsync(server);

        Assert.Equal(HostOutcome.FailedExitCode, outcome.ExitCode);
    }

    [Fact]
    public async Task ExitCode_StoppedAsAsked_Zero()
    {
        await using var server = await TestServer.StartAsync();
        var outcome = HostOutcome.Of(server.Host.Services);
        server.Host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await WaitStoppedAsync(server);

        Assert.Equal(0, outcome.ExitCode);
    }

    // As the program's RunAsync does: once something asks the host to stop, it is stopped.
    private static async Task WaitStoppedAsync(TestServer server)
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());
        await stopping.Task.WaitAsync(TestTimeouts.Default);
        await server.Host.StopAsync().WaitAsync(TestTimeouts.Default);
    }

    private sealed class FailingService : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new InvalidOperationException("broken on purpose");
        }
    }
}
