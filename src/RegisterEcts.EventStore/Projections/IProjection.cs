using Npgsql;
using NpgsqlTypes;

namespace RegisterEcts.EventStore.Projections;

/// <summary>
/// A read model built from events. Inline projections run inside the append transaction; async ones
/// run in the daemon. The same projection can be registered either way: it only sees events in order
/// and queues its writes.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name, also the key of its progress row.</summary>
    string Name { get; }

    /// <summary>Bumped when the projection's output changes shape or meaning, so a rebuild is due.</summary>
    int Version => 1;

    /// <summary>
    /// Inline only. True (the default) when the projection reads <see cref="RecordedEvent.Sequence"/> or
    /// <see cref="RecordedEvent.RecordedAt"/>, or reads through the connection: it then runs after the events
    /// are written. When no inline projection needs that and every expected version is exact, the store sends
    /// the events, the projections' writes and the commit in one round trip; the projections then see
    /// versions but Sequence 0 and a default RecordedAt (use SQL now() for the time of recording).
    /// </summary>
    bool NeedsWrittenEvents => true;

    /// <summary>The tables this projection owns: emptied before a rebuild replays every event into them.</summary>
    IReadOnlyList<string> Tables => [];

    /// <summary>
    /// Applies a batch of events, in order. Reads may use <see cref="ProjectionContext.Connection"/>
    /// (inside the transaction; not in a rebuild); writes go through <see cref="ProjectionContext.Enqueue(string, object?[])"/>
    /// so they travel in one round trip with the commit.
    /// </summary>
    ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct);

    /// <summary>
    /// Rebuild only: the events replayed so far have all been applied. A projection that folds rows in its
    /// <see cref="ProjectionContext.Session{T}"/> across pages (one COPY of final rows instead of a statement per
    /// event) writes them here and forgets them: events after this call meet those rows in the table. Offline
    /// rebuilds call it once, after the last page; blue/green ones after each catch-up pass and before switching.
    /// </summary>
    ValueTask CompleteRebuildAsync(ProjectionContext context, CancellationToken ct) => ValueTask.CompletedTask;
}

/// <summary>The open transaction a projection runs in.</summary>
public sealed class ProjectionContext
{
    private readonly List<NpgsqlBatchCommand> _commands = [];
    private readonly Dictionary<string, CopyRows> _copies = [];
    private readonly Dictionary<Type, object> _session;

    private readonly PostgresEventStore _store;

    internal ProjectionContext(PostgresEventStore store, NpgsqlConnection connection, bool isRebuild = false, Dictionary<Type, object>? session = null)
    {
        _store = store;
        _connection = connection;
        IsRebuild = isRebuild;
        _session = session ?? [];
    }

    /// <summary>
    /// The connection, already inside the transaction. Use it for reads only, and never in a rebuild: a rebuild
    /// projects a page while the previous page's writes still run on it, and has nothing to read back anyway
    /// (<see cref="IsRebuild"/>).
    /// </summary>
    public NpgsqlConnection Connection => IsRebuild
        ? throw new InvalidOperationException("A rebuild's projections read nothing through the connection: keep what later events need in the session.")
        : _connection;

    private readonly NpgsqlConnection _connection;

    /// <summary>
    /// True while a rebuild replays every event from the start into empty tables: a stream the projection has
    /// not seen yet in this rebuild has no earlier events, so there is nothing to load for it.
    /// </summary>
    public bool IsRebuild { get; }

    /// <summary>
    /// State a projection keeps between batches: one object per type for the whole of a rebuild (so a rebuild
    /// can fold streams in memory instead of reading them back), a fresh one for every inline append or daemon
    /// batch. Writes queued in this batch are not visible to reads through the connection yet; keep what later
    /// events of the same batch need here.
    /// </summary>
    public T Session<T>() where T : class, new()
    {
        if (!_session.TryGetValue(typeof(T), out var value)) _session[typeof(T)] = value = new T();
        return (T)value;
    }

    internal IReadOnlyList<NpgsqlBatchCommand> Commands => _commands;

    /// <summary>
    /// Reads whole streams inside the transaction, outside rebuilds (events of this batch included when the projection
    /// <see cref="IProjection.NeedsWrittenEvents"/>), stream by stream in the order asked, each in version order, personal
    /// fields as a reader sees them. For projections whose rows depend on a stream's whole history rather than one event.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(IReadOnlyCollection<Guid> streamIds, CancellationToken ct)
    {
        // A stream read once in this batch is served from memory after: the inline projections of one append read the same
        // teachers' streams (the timeline and the participants' documents both fold them), and nothing can write to the log
        // between them, so one round trip serves all.
        var missing = streamIds.Where(id => !_streams.ContainsKey(id)).Distinct().ToArray();
        if (missing.Length > 0)
        {
            foreach (var id in missing) _streams[id] = [];
            foreach (var e in await _store.ReadStreamsAsync(Connection, missing, ct)) _streams[e.StreamId].Add(e);
        }
        var events = new List<RecordedEvent>();
        foreach (var id in streamIds.Distinct()) events.AddRange(_streams[id]);
        return events;
    }

    private readonly Dictionary<Guid, List<RecordedEvent>> _streams = [];

    /// <summary>Queues a write with positional parameters ($1, $2, …).</summary>
    public void Enqueue(string sql, params object?[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var p in parameters)
            command.Parameters.Add(p as NpgsqlParameter ?? new NpgsqlParameter { Value = p ?? DBNull.Value });
        _commands.Add(command);
    }

    public void Enqueue(NpgsqlBatchCommand command) => _commands.Add(command);

    /// <summary>
    /// Rebuild only: rows to add to a table, sent with one binary COPY per table and batch — far cheaper than a
    /// statement per row. The copies run before this batch's queued statements (of every projection), so a
    /// queued UPDATE sees the rows copied in the same batch; a row copied must not exist yet.
    /// </summary>
    public CopyRows Copy(string table, params (string Column, NpgsqlDbType Type)[] columns)
    {
        if (!IsRebuild) throw new InvalidOperationException("COPY is for rebuilds only: inline writes travel with the append's commit.");
        if (!_copies.TryGetValue(table, out var rows)) _copies[table] = rows = new CopyRows(table, columns);
        return rows;
    }

    /// <summary>Rebuilds: lets every projection write what it folded in the session (see <see cref="IProjection.CompleteRebuildAsync"/>).</summary>
    internal static async Task CompleteRebuildAsync(PostgresEventStore store, NpgsqlConnection connection, IReadOnlyList<IProjection> projections,
        Dictionary<Type, object> session, CancellationToken ct)
    {
        var context = new ProjectionContext(store, connection, isRebuild: true, session);
        foreach (var projection in projections) await projection.CompleteRebuildAsync(context, ct);
        await context.WriteAsync(connection, ct);
    }

    /// <summary>Writes the batch: the copies, then the queued statements in one round trip.</summary>
    internal async Task WriteAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        foreach (var copy in _copies.Values) await copy.WriteAsync(connection, ct);
        if (_commands.Count == 0) return;
        // A rebuild's batches (the statements of a page, the folded rows of a million teachers) may take longer than the
        // connection's 30 s; an append's keep the connection's timeout.
        await using var batch = new NpgsqlBatch(connection) { Timeout = IsRebuild ? 0 : connection.CommandTimeout };
        foreach (var command in _commands) batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Rows for one binary COPY (see <see cref="ProjectionContext.Copy"/>), encoded as they are added.</summary>
public sealed class CopyRows
{
    /// <summary>Rows made lazily (<see cref="AddAll"/>) are sent whenever this much is encoded, so their bytes never pile up either.</summary>
    private const int FlushAt = 1 << 20;

    private readonly string _table;
    private readonly (string Column, NpgsqlDbType Type)[] _columns;
    private readonly CopyEncoder _encoded = new();
    private readonly List<IEnumerable<object?[]>> _later = [];
    private bool _any;

    internal CopyRows(string table, (string Column, NpgsqlDbType Type)[] columns)
    {
        (_table, _columns) = (table, columns);
        _encoded.Header();
    }

    /// <summary>One row, its values in the order of the columns (null for NULL).</summary>
    public void Add(params object?[] values)
    {
        _encoded.Row(_table, _columns, values);
        _any = true;
    }

    /// <summary>
    /// One row written value by value, in the columns' order, with nothing boxed: for a table a rebuild writes a row per event
    /// (the timeline), where <see cref="Add"/>'s array of boxed values was about 270 bytes a row. Each value is checked against its
    /// column's type, as <see cref="Add"/> checks them, and <see cref="RowWriter.End"/> that none is missing.
    /// </summary>
    public RowWriter Row()
    {
        _encoded.FieldCount(_columns.Length);
        _any = true;
        return new RowWriter(this, 0);
    }

    /// <summary>See <see cref="Row"/>: each method writes the next column's value and returns the writer for the one after.</summary>
    public readonly struct RowWriter
    {
        private readonly CopyRows _rows;
        private readonly int _column;

        internal RowWriter(CopyRows rows, int column) => (_rows, _column) = (rows, column);

        public RowWriter Uuid(Guid value) { Encoder(NpgsqlDbType.Uuid).UuidValue(value); return Next; }

        public RowWriter Bigint(long value) { Encoder(NpgsqlDbType.Bigint).BigintValue(value); return Next; }

        public RowWriter Text(string? value)
        {
            var encoder = Encoder(NpgsqlDbType.Text);
            if (value is null) encoder.Null();
            else encoder.TextValue(value);
            return Next;
        }

        public RowWriter Date(DateOnly? value)
        {
            var encoder = Encoder(NpgsqlDbType.Date);
            if (value is { } day) encoder.DateValue(day);
            else encoder.Null();
            return Next;
        }

        public RowWriter TimestampTz(DateTimeOffset value) { Encoder(NpgsqlDbType.TimestampTz).TimestampValue(value); return Next; }

        public RowWriter TextArray(IReadOnlyList<string> values) { Encoder(NpgsqlDbType.Array | NpgsqlDbType.Text).TextArrayValue(values); return Next; }

        public void End()
        {
            if (_column != _rows._columns.Length)
                throw new InvalidOperationException($"{_rows._table} takes {_rows._columns.Length} values, not {_column}.");
        }

        private RowWriter Next => new(_rows, _column + 1);

        private CopyEncoder Encoder(NpgsqlDbType type)
        {
            var columns = _rows._columns;
            if (_column >= columns.Length)
                throw new InvalidOperationException($"{_rows._table} takes {columns.Length} values, not more.");
            if (columns[_column].Type != type)
                throw new NotSupportedException($"{_rows._table}.{columns[_column].Column} is {CopyEncoder.Name(columns[_column].Type)}, not {CopyEncoder.Name(type)}.");
            return _rows._encoded;
        }
    }

    /// <summary>
    /// The items in a fixed order that follows no key: to make rows for <see cref="AddAll"/> from, one item's rows kept together.
    /// Ids made from the clock (UUIDv7) come out of a fold in time order, which is also key order, and a GiST index built by
    /// inserting keys in order overlaps its pages badly: at 20,000 careers the training periods' exclusion constraint took
    /// 400-450 ms to make from the rows in teacher order, 300-315 ms with the teachers shuffled; the ECTs' school periods'
    /// 260 ms against 200. The order of a table's rows changes nothing else.
    /// </summary>
    public static List<T> Scattered<T>(IEnumerable<T> items)
    {
        var list = items.ToList();
        // A fixed seed: the same rows go in in the same order on every rebuild.
        new Random(20_000).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list));
        return list;
    }

    /// <summary>
    /// Rows made one by one as the COPY sends them (after those added one at a time), so the copy that completes a
    /// rebuild of a million teachers never holds all its rows, and their documents, in memory at once. They must not
    /// depend on anything the projection changes before this batch is written.
    /// </summary>
    public void AddAll(IEnumerable<object?[]> rows) => _later.Add(rows);

    internal async Task WriteAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        if (!_any && _later.Count == 0) return;
        // Rows made lazily are what completes a rebuild: into a table still empty, they are the whole table.
        var indexes = _later.Count > 0 ? await IndexesDroppedIfEmptyAsync(connection, ct) : [];
        await CopyAsync(connection, ct);
        foreach (var create in indexes)
        {
            await using var cmd = new NpgsqlCommand(create, connection) { CommandTimeout = 0 };
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// When the table is empty, drops its indexes (and the constraints they back) and returns the statements that make them
    /// again once the rows are in. Building an index over the rows costs the server less than adding every row to it, and the
    /// teacher periods' copy that ends a rebuild is the longest thing left running when the rest is done. At 20,000 careers,
    /// loaded alone: the training periods in 0.61-0.66 s instead of 0.76 s with every index made after; the ECTs' school
    /// periods in 0.33-0.38 s instead of 0.48-0.60 s with the exclusion constraint made after. The constraints still judge
    /// every row, when they are made again: an impossible history fails the rebuild as before. The table is locked by the
    /// rebuild (or not yet in use, blue/green), so nobody sees it without them.
    /// </summary>
    private async Task<List<string>> IndexesDroppedIfEmptyAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var table = SchemaMigrator.QuoteIdent(_table);
        var drops = new List<string>();
        var creates = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            $"""
            SELECT c.conname, pg_get_constraintdef(c.oid), i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')
            WHERE i.indrelid = '{table}'::regclass AND NOT EXISTS (SELECT 1 FROM {table})
            """, connection))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                if (reader.IsDBNull(0))
                {
                    drops.Add($"DROP INDEX {reader.GetString(2)}");
                    creates.Add(reader.GetString(3));
                }
                else
                {
                    var constraint = SchemaMigrator.QuoteIdent(reader.GetString(0));
                    drops.Add($"ALTER TABLE {table} DROP CONSTRAINT {constraint}");
                    creates.Add($"ALTER TABLE {table} ADD CONSTRAINT {constraint} {reader.GetString(1)}");
                }
        if (drops.Count > 0)
        {
            await using var drop = new NpgsqlCommand(string.Join("; ", drops), connection);
            await drop.ExecuteNonQueryAsync(ct);
        }
        return creates;
    }

    private async Task CopyAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var columns = string.Join(", ", _columns.Select(c => SchemaMigrator.QuoteIdent(c.Column)));
        var stream = await connection.BeginRawBinaryCopyAsync($"COPY {SchemaMigrator.QuoteIdent(_table)} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        try
        {
            foreach (var rows in _later)
                foreach (var row in rows)
                {
                    _encoded.Row(_table, _columns, row);
                    if (_encoded.Length >= FlushAt) await _encoded.FlushAsync(stream, ct);
                }
            _encoded.Trailer();
            await _encoded.FlushAsync(stream, ct);
        }
        catch
        {
            // Disposing a raw COPY completes it: a failed one is cancelled, so nothing half-sent is kept.
            _encoded.Dispose();
            try { await stream.CancelAsync(); }
            catch { /* the error that matters is the one being rethrown */ }
            throw;
        }
        // Completes the COPY and reports the server's verdict on the rows.
        await stream.DisposeAsync();
        _later.Clear();
        _any = false;
        _encoded.Header();
    }
}
