using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Configuration;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;
using SocketChat.Hosting.Options;

namespace SocketChat.Hosting.Logging;

// Serilog from configuration: levels from the Serilog section, sinks from the Log section.
public static class LogSetup
{
    public const string TextTemplate = "[{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    // The text lines of a cluster's node, whose logs are read side by side with its peers'.
    public const string NodeTextTemplate = "[{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u3} {Node}] {Message:lj}{NewLine}{Exception}";

    // Reads and validates the Log section; throws OptionsValidationException when it is wrong.
    public static LogOptions ReadOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection(LogOptions.SectionName).Get<LogOptions>() ?? new LogOptions();
        var result = new SettingsValidator<LogOptions>(LogOptions.SectionName).Validate(null, options);
        return result.Failed
            ? throw new Microsoft.Extensions.Options.OptionsValidationException(LogOptions.SectionName, typeof(LogOptions), result.Failures)
            : options;
    }

    // Configures logger. Every sink is asynchronous, so logging never blocks the network path.
    // logger: The configuration to extend.
    // configuration: The program's configuration, whose Serilog section sets levels.
    // options: The Log section.
    // consoleMinimum: The lowest level shown on the console; null keeps the console free of log.
    // consoleToStandardError: Write console log to stderr instead of stdout.
    // filePath: A log file, or null.
    // node:
    // The process's name among its peers, a Node property on every event (JSON); null for none.
    // nodeInText: Show node on text lines too (a cluster's nodes).
    // sharedFile:
    // Several processes write filePath at once (clients on one machine): each write takes the
    // file's lock. Otherwise the first process holds it, and a second one's events were dropped.
    public static LoggerConfiguration Configure(
        LoggerConfiguration logger,
        IConfiguration configuration,
        LogOptions options,
        LogEventLevel? consoleMinimum,
        bool consoleToStandardError,
        string? filePath,
        string? node = null,
        bool nodeInText = false,
        bool sharedFile = false)
    {
        if (node is not null)
        {
            logger.Enrich.WithProperty("Node", node);
        }

        var template = node is not null && nodeInText ? NodeTextTemplate : TextTemplate;
        // A bad setting is reported by the program as one line; the host's own log of it would add a stack trace. So
        // would its "Hosting failed to start" (the program reports what failed: one line, or a fatal event with the
        // stack when unexpected), and its "BackgroundService failed" for a service cancelled before it ran, as every
        // one is when the start fails part of the way (a port in use): not a failure of its own.
        logger.ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .Filter.ByExcluding(logEvent => logEvent.Exception is { } exception
                && (StartupErrors.TryDescribe(exception, out _) || exception is IReportedAtStartup
                    || (FromHost(logEvent) && (exception is OperationCanceledException || logEvent.MessageTemplate.Text == "Hosting failed to start"))));
        if (consoleMinimum is { } minimum)
        {
            // Written from a thread of its own, everything waiting in one write; never dropped.
            var console = consoleToStandardError ? Console.OpenStandardError() : Console.OpenStandardOutput();
            logger.WriteTo.Sink(new BatchedStreamSink(console, Formatter(options, template)), minimum);
        }

        if (!string.IsNullOrEmpty(filePath))
        {
            // A full buffer makes whoever logs wait rather than lose the event.
            logger.WriteTo.Async(sink => sink.File(Formatter(options, template), filePath, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14, shared: sharedFile), blockWhenFull: true);
        }

        return logger;
    }

    // Resolves a configured log path against the program's folder.
    public static string ResolvePath(string path) => System.IO.Path.GetFullPath(path, AppContext.BaseDirectory);

    private static bool FromHost(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("SourceContext", out var source) && source.ToString() == "\"Microsoft.Extensions.Hosting.Internal.Host\"";

    private static ITextFormatter Formatter(LogOptions options, string template) =>
        options.Format == "json"
            ? new CompactJsonFormatter()
            : new MessageTemplateTextFormatter(template, System.Globalization.CultureInfo.InvariantCulture);
}
