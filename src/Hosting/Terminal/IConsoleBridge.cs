using System.Threading.Channels;

namespace SocketChat.Hosting.Terminal;

// The program's only way to the terminal: typed lines arrive on Input (completed at end of input),
// lines to show go to Output. Services never touch System.Console, so tests drive them with channels.
public interface IConsoleBridge
{
    ChannelReader<string> Input { get; }

    ChannelWriter<string> Output { get; }

    bool IsInputTerminal { get; }

    bool IsOutputTerminal { get; }

    // True when input and output are a terminal this process may use now: not redirected, and not a background job
    // (which the kernel would stop the moment it read from the terminal).
    bool IsInteractive { get; }

    // Asks a question: prompt is shown in place of the usual prompt, and the next line the user
    // submits after it is shown answers it. The answer never reaches Input, and no line submitted before
    // the question was shown answers it. A secret answer (a password) is not echoed and not kept
    // in history. Null at end of input or when cancelled.
    Task<string?> AskAsync(string prompt, bool secret, CancellationToken cancellationToken);
}
