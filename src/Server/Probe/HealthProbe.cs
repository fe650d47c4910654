using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Probe;

// SocketChat.Server --probe: connects to the configured Chat:Host/Chat:Port, sends /ping and expects
// * pong. Exit 0 when the server answers, 1 with the reason when it does not, or answers that it cannot
// store messages (container HEALTHCHECK, monitoring).
internal static class HealthProbe
{
    public const string Switch = "--probe";
    private const string Pong = "* pong";
    private const string Unwell = "* pong; unhealthy: ";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter output)
    {
        var options = ChatOptions.Read(configuration);

        // The server's "every interface" is reached on this machine.
        var host = options.Host is "*" ? "localhost" : options.Host;
        var target = $"{host}:{options.Port}";
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(host, options.Port, timeout.Token);
            await using var network = new NetworkStream(socket, ownsSocket: false);
            await using var stream = options.Tls.Enabled ? await SecureAsync(network, host, timeout.Token) : network;
            await stream.WriteAsync("/ping\n"u8.ToArray(), timeout.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            // A slow probe may be greeted before its ping is read (the welcome, or a login prompt): skip those.
            var answer = await reader.ReadLineAsync(timeout.Token);
            while (answer is not null && !answer.StartsWith(Pong, StringComparison.Ordinal) && answer.StartsWith("* ", StringComparison.Ordinal))
            {
                answer = await reader.ReadLineAsync(timeout.Token);
            }

            // It answers, but cannot do its job (its store is failing): say what the server says is wrong.
            if (answer?.StartsWith(Unwell, StringComparison.Ordinal) == true)
            {
                await output.WriteLineAsync($"unhealthy: {target} answered in {clock.ElapsedMilliseconds} ms but {answer[Unwell.Length..]}");
                return 1;
            }

            if (answer != Pong)
            {
                await output.WriteLineAsync($"unhealthy: {target} answered {Describe(answer)} instead of \"{Pong}\"");
                return 1;
            }

            await output.WriteLineAsync($"healthy: {target} answered in {clock.ElapsedMilliseconds} ms");
            return 0;
        }
        catch (OperationCanceledException)
        {
            await output.WriteLineAsync($"unhealthy: {target} did not answer within {Timeout.TotalSeconds:0} s");
        }
        catch (SocketException ex)
        {
            await output.WriteLineAsync($"unhealthy: cannot connect to {target}: {ex.Message}");
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            await output.WriteLineAsync($"unhealthy: TLS handshake with {target} failed: {ex.Message}");
        }
        catch (IOException ex)
        {
            await output.WriteLineAsync($"unhealthy: {target} closed the connection: {ex.Message}");
        }

        return 1;
    }

    // The probe checks that this machine's server answers; it sends nothing secret, so any certificate will do
    // (the one on disk may be mid-renewal, or issued for the public name rather than localhost).
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5359", Justification = "Liveness check of the local process; no data to protect.")]
    private static async Task<Stream> SecureAsync(NetworkStream network, string host, CancellationToken cancellationToken)
    {
        var secured = new System.Net.Security.SslStream(network, leaveInnerStreamOpen: true);
        await secured.AuthenticateAsClientAsync(
            new System.Net.Security.SslClientAuthenticationOptions
            {
                TargetHost = host,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
            cancellationToken);
        return secured;
    }

    private static string Describe(string? answer) => answer is null ? "nothing (it closed the connection)" : $"\"{answer}\"";
}
