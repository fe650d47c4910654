namespace SocketChat.Server.Storage;

// A store whose search reads an index it keeps beside the messages, off the commit path (SQLite's words index): the
// indexing service calls it a few times a second.
internal interface ISearchIndexed
{
    // Adds what was stored since the last call to the index, a batch at most; returns how many messages it read
    // (a whole batch: there may be more, call again at once).
    int IndexNewMessages();

    // Every searchable message with an id up to this one is in the index.
    long IndexedUpTo { get; }
}
