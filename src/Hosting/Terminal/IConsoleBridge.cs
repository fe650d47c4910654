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
}
