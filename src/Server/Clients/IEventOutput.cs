using System.Buffers;

namespace SocketChat.Server.Clients;

// Where a connection's write loop puts an event's bytes. Bytes shared with other recipients (an encoded event's)
// go through Share: a transport that can send them as they are does, with no copy per recipient; the others copy.
internal interface IEventOutput : IBufferWriter<byte>
{
    void Share(ReadOnlyMemory<byte> bytes);
}
