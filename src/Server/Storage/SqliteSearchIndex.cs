using Microsoft.Data.Sqlite;

namespace SocketChat.Server.Storage;

// The words index behind search in SQLite, off the commit path: an FTS5 table of each message's text (unicode61,
// case and accents aside, tokenised in C; contentless, so it keeps no copy), in a file of its own beside the store
// (messages.db: messages.search.db), so adding to it never takes the store's write lock. CatchUp adds what the store
// took since it last looked, a batch at a time, in the background (Storage/SearchIndexing); a search reads the index
// for what it has and scans only the newer tail. Kept by triggers on the commit path, the same index cut message-heavy throughput to 0.27x; this
// way a commit costs nothing more. It holds nothing that cannot be made again: a file that fails to open is made anew.
internal sealed class SqliteSearchIndex(string storePath) : IDisposable
{
    // Messages added to the index in one transaction.
    public const int Batch = 5_000;

    private readonly string _path = Path.Combine(Path.GetDirectoryName(storePath)!, Path.GetFileNameWithoutExtension(storePath) + ".search.db");
    private string _connectionString = string.Empty;
    private SqliteConnection? _writer;
    private long _indexedUpTo;

    public string Location => _path;

    // Every message with an id up to this one is in the index (those it searches: room and private lines).
    public long IndexedUpTo => Volatile.Read(ref _indexedUpTo);

    public void Open()
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = _path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        try
        {
            OpenWriter();
        }
        catch (SqliteException)
        {
            // Damaged (a power cut mid-write): it is only an index, made again from the store.
            if (_writer is not null)
            {
                SqliteConnection.ClearPool(_writer);
                _writer.Dispose();
            }

            File.Delete(_path);
            File.Delete(_path + "-wal");
            File.Delete(_path + "-shm");
            OpenWriter();
        }
    }

    private void OpenWriter()
    {
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
            CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(w, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
            CREATE TABLE IF NOT EXISTS indexed (upto INTEGER NOT NULL);
            INSERT INTO indexed (upto) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM indexed);
            """);
        using var query = _writer.CreateCommand();
        query.CommandText = "SELECT upto FROM indexed";
        _indexedUpTo = (long)query.ExecuteScalar()!;
    }

    // Adds to the index the searchable messages after IndexedUpTo, up to Batch of the store's rows read through
    // store (a reader of its own); returns how many rows it read (Batch: there may be more).
    public int CatchUp(SqliteConnection store)
    {
        var writer = _writer ?? throw new InvalidOperationException("The index is not open.");
        using var read = store.CreateCommand();
        read.CommandText = "SELECT id, kind, text FROM messages WHERE id > $after ORDER BY id LIMIT $batch";
        read.Parameters.AddWithValue("$after", IndexedUpTo);
        read.Parameters.AddWithValue("$batch", Batch);
        var rows = 0;
        var last = IndexedUpTo;
        using var transaction = writer.BeginTransaction();
        using var insert = writer.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO words (rowid, w) VALUES ($id, $w)";
        var id = insert.Parameters.Add("$id", SqliteType.Integer);
        var words = insert.Parameters.Add("$w", SqliteType.Text);
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                rows++;
                last = reader.GetInt64(0);
                if ((MessageKind)reader.GetInt32(1) is MessageKind.Room or MessageKind.Notice or MessageKind.Private or MessageKind.PrivateNotice)
                {
                    // The text as it is: FTS5's unicode61 tokenizer (case and accents aside) cuts it in C, far cheaper than
                    // here; a search checks each hit against SearchWords again, so the index only narrows.
                    id.Value = last;
                    words.Value = reader.GetString(2);
                    insert.ExecuteNonQuery();
                }
            }
        }

        using var moved = writer.CreateCommand();
        moved.Transaction = transaction;
        moved.CommandText = "UPDATE indexed SET upto = $upto";
        moved.Parameters.AddWithValue("$upto", last);
        moved.ExecuteNonQuery();
        transaction.Commit();
        Volatile.Write(ref _indexedUpTo, last);
        return rows;
    }

    // Lets go of what the store no longer holds: every id below its oldest.
    public void Forget(long belowId)
    {
        using var delete = (_writer ?? throw new InvalidOperationException("The index is not open.")).CreateCommand();
        delete.CommandText = "DELETE FROM words WHERE rowid < $below";
        delete.Parameters.AddWithValue("$below", belowId);
        delete.ExecuteNonQuery();
    }

    // The ids of indexed messages that have every word, below beforeId, newest first, first page ids at a time and
    // then four times as many each time up to most (a search for twenty common lines reads a few dozen; one for rare
    // words, far back, reads in big steps): a reader of its own, so searches run beside the indexer.
    public IEnumerable<List<long>> Find(IReadOnlyList<string> words, long beforeId, int page, int most)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT rowid FROM words WHERE words MATCH $match AND rowid < $before ORDER BY rowid DESC LIMIT $page";

        // Each word as a phrase of its own: FTS5 ands them, and no word is read as an operator (AND, NEAR).
        query.Parameters.AddWithValue("$match", string.Join(' ', words.Select(word => $"\"{word}\"")));
        var before = query.Parameters.AddWithValue("$before", beforeId);
        query.Parameters.AddWithValue("$page", page);
        while (true)
        {
            var ids = new List<long>(page);
            using (var reader = query.ExecuteReader())
            {
                while (reader.Read())
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            if (ids.Count == 0)
            {
                yield break;
            }

            yield return ids;
            before.Value = ids[^1];
            page = Math.Min(page * 4, most);
            query.Parameters["$page"].Value = page;
        }
    }

    public void Dispose() => _writer?.Dispose();

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
