using System.Threading.Channels;

namespace SocketChat.Hosting.Terminal;

/// <summary>
/// The program's only way to the terminal: typed lines arrive on <see cref="Input"/> (completed at end of input),
/// lines to show go to <see cref="Output"/>. Services never touch System.Console, so tests drive them with channels.
/// </summary>
public interface IConsoleBridge
{
    ChannelReader<string> Input { get; }

    ChannelWriter<string> Output { get; }

    bool IsInputTerminal { get; }

    bool IsOutputTerminal { get; }

    /// <summary>
    /// Asks a question: the next line typed on <see cref="Input"/> answers <paramref name="prompt"/>, which is shown
    /// in place of the usual prompt. A <paramref name="secret"/> answer (a password) is not echoed and not kept in history.
    /// </summary>
    void Ask(string prompt, bool secret);
}
