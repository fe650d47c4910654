using System.Text.Json;
using System.Text.RegularExpressions;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// No Docker engine runs here, so the image is proven another way: the Dockerfile's own publish command, ENV,
// ENTRYPOINT and HEALTHCHECK are read from it and run as the image would run them.
public sealed partial class ContainerRecipeTests
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Dockerfile_PublishedServerRunsLikeTheImage_JsonLogsHealthyProbeCleanStop()
    {
        var dockerfile = await File.ReadAllTextAsync(RepositoryRoot.File("Dockerfile"));
        var app = Directory.CreateTempSubdirectory("socketchat-image-");
        try
        {
            // RUN dotnet publish ... -o /app, in the build stage's WORKDIR (a copy of the repository root).
            var publish = Exec(PublishCommand().Match(dockerfile).Groups["arguments"].Value).Select(arg => arg == "/app" ? app.FullName : arg).ToArray();
            await using (var build = ChildProcess.Start(publish[0], publish[1..], workingDirectory: RepositoryRoot.Path))
            {
                var (code, output, _) = await build.WaitForExitAsync(PublishTimeout);
                Assert.True(code == 0, string.Join('\n', output));
            }

            // The image's ENV, then what `docker run -e` (and -v) would add for a test: loopback, a free port, the volume.
            var environment = Environment(dockerfile);
            Assert.Equal("/data", environment["Chat__DataDirectory"]);
            environment["Chat__Host"] = "127.0.0.1";
            environment["Chat__Port"] = "0";
            environment["Chat__DataDirectory"] = Path.Combine(app.FullName, "data");
            var entrypoint = InApp(JsonSerializer.Deserialize<string[]>(Instruction(dockerfile, "ENTRYPOINT"))!, app.FullName);
            await using var server = ChildProcess.Start(entrypoint[0], entrypoint[1..], environment, app.FullName);
            server.StandardInput.Close();
            var listening = await server.ReadOutputLineAsync(line => line.Contains("Listening on", StringComparison.Ordinal));
            using var logged = JsonDocument.Parse(listening);
            var port = System.Net.IPEndPoint.Parse(logged.RootElement.GetProperty("EndPoint").GetString()!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var healthcheck = InApp(JsonSerializer.Deserialize<string[]>(HealthcheckCommand().Match(dockerfile).Groups["command"].Value)!, app.FullName);
            await using (var probe = ChildProcess.Start(healthcheck[0], healthcheck[1..], new Dictionary<string, string>(environment) { ["Chat__Port"] = port }, app.FullName))
            {
                var (code, output, _) = await probe.WaitForExitAsync();
                Assert.Equal(0, code);
                Assert.StartsWith($"healthy: 127.0.0.1:{port} answered in", Assert.Single(output), StringComparison.Ordinal);
            }

            await server.TerminateAsync();
            var (exitCode, rest, error) = await server.WaitForExitAsync();
            Assert.Equal(0, exitCode);
            Assert.Empty(error);
            Assert.All(rest, line => JsonDocument.Parse(line).Dispose());
        }
        finally
        {
            app.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Dockerfile_RunsUnprivilegedAndDeclaresPortVolumeAndHealthcheck()
    {
        var dockerfile = await File.ReadAllTextAsync(RepositoryRoot.File("Dockerfile"));

        Assert.Equal("$APP_UID", Instruction(dockerfile, "USER"));
        Assert.Equal("8080", Instruction(dockerfile, "EXPOSE"));
        Assert.Equal("/data", Instruction(dockerfile, "VOLUME"));
        Assert.Equal("json", Environment(dockerfile)["Log__Format"]);
        Assert.Contains("--probe", HealthcheckCommand().Match(dockerfile).Groups["command"].Value, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(dockerfile, "^FROM ", RegexOptions.Multiline));
    }

    private static string Instruction(string dockerfile, string name) =>
        Regex.Match(dockerfile, $"^{name} (?<value>.+)$", RegexOptions.Multiline).Groups["value"].Value.Trim();

    private static Dictionary<string, string> Environment(string dockerfile)
    {
        var block = Regex.Match(dockerfile, @"^ENV (?<body>(?:.*\\\n)*.*)$", RegexOptions.Multiline).Groups["body"].Value;
        return block.Split('\n')
            .Select(line => line.Trim().TrimEnd('\\').Trim())
            .Where(line => line.Contains('=', StringComparison.Ordinal))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
    }

    // The image's /app is the test's publish directory.
    private static string[] InApp(string[] command, string app) =>
        command.Select(part => part.StartsWith("/app/", StringComparison.Ordinal) ? Path.Combine(app, part["/app/".Length..]) : part).ToArray();

    private static string[] Exec(string shellCommand) => shellCommand.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex(@"^RUN (?<arguments>dotnet publish .+)$", RegexOptions.Multiline)]
    private static partial Regex PublishCommand();

    [GeneratedRegex(@"^HEALTHCHECK .*CMD (?<command>\[.+\])$", RegexOptions.Multiline)]
    private static partial Regex HealthcheckCommand();
}
