using SocketChat.Protocol.Commands;

namespace SocketChat.Server.Storage;

// Judges a line again where it would go in the log: the store found an entry that can restrict it (a ban, a mute, a
// kick…) stored after the position its sender's rules were read at. The writer asks once this server has applied
// that entry. Implemented where the rules and the connections are (Sessions); called on the writer's task, so it
// reads only what is immutable or concurrent, and waits on nothing.
internal interface ILineJudge
{
    // Why draft may not be stored now (its sender banned, muted, kicked, gone); null when it may.
    InvalidCommand? Refusal(Draft draft);

    // Tells draft's sender why it was refused (when its acknowledgements do not: Draft.Answered).
    void Refused(Draft draft, InvalidCommand refusal);
}
