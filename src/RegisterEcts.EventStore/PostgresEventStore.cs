using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.EventStore.Serialization;

namespace RegisterEcts.EventStore;

/// <summary>
/// Streams of events in PostgreSQL: append at an expected version (with inline projections in the same
/// transaction), read a stream or everything, erase a subject's personal data.
/// </summary>
public sealed class PostgresEventStore : IAsyncDisposable
{
    private readonly EventStoreOptions _options;

    public PostgresEventStore(EventStoreOptions options)
    {
        _options = options;
        DataSource = Builder(options).Build();

        // The command path (loading a stream, the append and the inline projections' reads inside it) runs the same keyed
        // statements on every command. Those over an array of ids (`= ANY($1)`) never got a cached plan: PostgreSQL costs a
        // generic plan for an array of unknown length above the custom plans for the one or two ids actually passed, so it
        // planned them afresh on every call, a third of the server's statement time in the HTTP benchmark (17 of 48 s).
        // Their generic plans are the same index scans. Only these connections force them: reads with optional filters
        // (the lead provider API, support) keep custom plans, which fold the filters away.
        var commands = Builder(options);
        commands.ConnectionStringBuilder.Options = $"{commands.ConnectionStringBuilder.Options} -c plan_cache_mode=force_generic_plan".Trim();
        CommandDataSource = commands.Build();
    }

    private static NpgsqlDataSourceBuilder Builder(EventStoreOptions options)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        // Projection tables use extensions installed in public (btree_gist), hence the second entry.
        builder.ConnectionStringBuilder.SearchPath = $"{options.Schema},public";
        // The store keeps no session state, and the DISCARD ALL that a reset sends would throw away
        // es_append's cached plans on every use of a pooled connection (measured: 5x slower appends).
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        // The same few statements run on every append and projection batch: prepare them once per connection.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        return builder;
    }

    /// <summary>Connections for the command path: as <see cref="DataSource"/>, with generic plans forced (see the constructor).</summary>
    internal NpgsqlDataSource CommandDataSource { get; }

    /// <summary>Connections already pointed at the store's schema.</summary>
    public NpgsqlDataSource DataSource { get; }

    internal EventStoreOptions Options => _options;

    public string Schema => _options.Schema;

    public EventTypeRegistry Types => _options.Events;

    public IReadOnlyList<IProjection> InlineProjections => _options.InlineProjections;

    public IReadOnlyList<IProjection> AsyncProjections => _options.AsyncProjections;

    /// <summary>Applies the store's schema and the application's, idempotently.</summary>
    public Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default) =>
        SchemaMigrator.MigrateAsync(DataSource, _options.Schema, SchemaMigrator.EventStoreMigrations.Concat(_options.Migrations), ct);

    public Task<AppendResult> AppendAsync(Guid streamId, string streamType, ExpectedVersion expected, IReadOnlyList<object> events, EventContext context, CancellationToken ct = default) =>
        AppendAsync([new StreamAppend(streamId, streamType, expected, events)], context, ct);

    /// <summary>
    /// Appends to one or more streams in one transaction with the inline projections. Throws
    /// <see cref="StreamConflictException"/> (nothing written) when a stream is not at its expected version.
    /// </summary>
    public async Task<AppendResult> AppendAsync(IReadOnlyList<StreamAppend> streams, EventContext context, CancellationToken ct = default)
    {
        // Plain loops rather than LINQ on this path: it runs once per command, and the benchmark (W1) showed
        // the store's own client-side work costing as much as the round trip.
        if (streams.Count == 0)
            throw new ArgumentException("Each stream in an append needs at least one event.", nameof(streams));
        var eventCount = 0;
        var exact = true;
        for (var i = 0; i < streams.Count; i++)
        {
            if (streams[i].Events.Count == 0)
                throw new ArgumentException("Each stream in an append needs at least one event.", nameof(streams));
            eventCount += streams[i].Events.Count;
            exact &= streams[i].Expected.Value >= 0;
        }
        if (streams.Count > 1 && streams.Select(s => s.StreamId).Distinct().Count() != streams.Count)
            throw new ArgumentException("A stream may appear once per append.", nameof(streams));

        using var activity = EventStoreTelemetry.Source.StartActivity("es.append");
        activity?.SetTag("es.streams", streams.Count);
        var started = Stopwatch.GetTimestamp();

        var registrations = new EventTypeRegistry.Registration[eventCount];
        List<Guid>? subjects = null;
        for (int i = 0, n = 0; i < streams.Count; i++)
        {
            var personal = false;
            foreach (var e in streams[i].Events)
                personal |= (registrations[n++] = Types.For(e.GetType())).PersonalProperties.Count > 0;
            if (personal) (subjects ??= []).Add(streams[i].StreamId);
        }
        // Keys are fetched (or created) before the append transaction starts: the append must take its
        // stream locks before it writes anything (see es_append).
        var keys = subjects is null ? null : await KeysForWriteAsync(subjects.ToArray(), ct);

        var metadata = new EventMetadata(context.Actor, context.EffectiveCorrelationId, context.CausationId, context.Reason, context.SupportTicket);
        var metadataJson = JsonSerializer.Serialize(metadata, EventTypeRegistry.JsonOptions);
        var eventIds = new Guid[eventCount];
        var data = new string[eventCount];
        var asRead = new object[eventCount];
        for (int i = 0, n = 0; i < streams.Count; i++)
        for (var j = 0; j < streams[i].Events.Count; j++, n++)
        {
            var e = streams[i].Events[j];
            var registration = registrations[n];
            eventIds[n] = Guid.CreateVersion7();
            asRead[n] = e;
            if (registration.PersonalProperties.Count == 0)
            {
                data[n] = JsonSerializer.Serialize(e, registration.Type, EventTypeRegistry.JsonOptions);
                continue;
            }
            var key = keys![streams[i].StreamId];
            var body = JsonSerializer.SerializeToNode(e, registration.Type, EventTypeRegistry.JsonOptions)!.AsObject();
            PersonalData.Seal(body, registration.PersonalProperties, streams[i].StreamId, key);
            data[n] = body.ToJsonString(EventTypeRegistry.JsonOptions);
            // Projections must see what a reader would: an erased subject's fields read as erased.
            if (key is null) asRead[n] = body.Deserialize(registration.Type, EventTypeRegistry.JsonOptions)!;
        }

        // One round trip when every version is known up front (exact expected versions) and no inline
        // projection needs what only the server knows (sequence, recorded_at) or reads in the transaction:
        // the events, the projections' writes and the commit travel together. Otherwise two: the
        // events first, then the projections see them as written.
        var pipelined = exact;
        foreach (var projection in _options.InlineProjections) pipelined &= !projection.NeedsWrittenEvents;
        var recorded = new RecordedEvent[eventCount];
        for (int i = 0, k = 0; i < streams.Count; i++)
        for (var j = 0; j < streams[i].Events.Count; j++, k++)
            recorded[k] = new RecordedEvent(0, eventIds[k], streams[i].StreamId, streams[i].StreamType,
                pipelined ? streams[i].Expected.Value + j + 1 : 0, registrations[k].Name, asRead[k], metadata, default);

        await using var conn = await CommandDataSource.OpenConnectionAsync(ct);
        try
        {
            var context2 = new ProjectionContext(this, conn);
            await using (var batch = new NpgsqlBatch(conn))
            {
                // Pipelined, the batch has no BEGIN or COMMIT: statements sent together up to one Sync run as one
                // implicit transaction, which commits at the Sync or rolls back entirely at the first error
                // (Npgsql puts no Sync between a batch's statements). Two statements fewer on every append.
                if (!pipelined) batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                batch.BatchCommands.Add(eventCount == 1
                    ? AppendOne(streams[0], eventIds[0], registrations[0].Name, data[0], metadataJson)
                    : AppendMany(streams, eventIds, registrations, data, metadataJson));
                if (pipelined)
                {
                    foreach (var projection in _options.InlineProjections)
                        await projection.ApplyAsync(recorded, context2, ct);
                    foreach (var command in context2.Commands) batch.BatchCommands.Add(command);
                }
                await using var reader = await batch.ExecuteReaderAsync(ct);
                var next = 0;
                // Read every result to the end: a failed projection write or the commit surfaces only there.
                do
                {
                    while (await reader.ReadAsync(ct))
                    {
                        // Only the append returns rows, in insertion order, which is the order the events were given.
                        recorded[next] = recorded[next] with { Version = reader.GetInt64(0), Sequence = reader.GetInt64(1), RecordedAt = reader.GetFieldValue<DateTimeOffset>(2) };
                        next++;
                    }
                } while (await reader.NextResultAsync(ct));
            }

            if (!pipelined)
            {
                foreach (var projection in _options.InlineProjections)
                    await projection.ApplyAsync(recorded, context2, ct);
                await using var commit = new NpgsqlBatch(conn);
                foreach (var command in context2.Commands) commit.BatchCommands.Add(command);
                commit.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                await commit.ExecuteNonQueryAsync(ct);
            }
        }
        catch (PostgresException ex) when (ex.SqlState == StreamMoved)
        {
            if (!pipelined) await RollbackAsync(conn);
            EventStoreTelemetry.Conflicts.Add(1);
            activity?.SetStatus(ActivityStatusCode.Error, "conflict");
            throw await ConflictAsync(conn, streams, ct);
        }
        catch (Exception ex)
        {
            // A pipelined batch is rolled back by the server at its first error (or never reached it).
            if (!pipelined) await RollbackAsync(conn);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }

        EventStoreTelemetry.Appends.Add(1);
        EventStoreTelemetry.EventsAppended.Add(eventCount);
        if (EventStoreTelemetry.AppendDuration.Enabled)
            EventStoreTelemetry.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new AppendResult(recorded);
    }

    /// <summary>One event to one stream (most commands): es_append_one takes scalars, no arrays.</summary>
    private static NpgsqlBatchCommand AppendOne(StreamAppend stream, Guid eventId, string eventType, string data, string metadataJson) =>
        new("SELECT o_version, o_seq, o_recorded_at FROM es_append_one($1, $2, $3, $4, $5, $6, $7)")
        {
            // Typed parameters: no boxing and no type inference from the value on every call.
            Parameters =
            {
                new NpgsqlParameter<Guid> { TypedValue = stream.StreamId, NpgsqlDbType = NpgsqlDbType.Uuid },
                new NpgsqlParameter<string> { TypedValue = stream.StreamType, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter<long> { TypedValue = stream.Expected.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
                new NpgsqlParameter<Guid> { TypedValue = eventId, NpgsqlDbType = NpgsqlDbType.Uuid },
                new NpgsqlParameter<string> { TypedValue = eventType, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter<string> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Jsonb },
                new NpgsqlParameter<string> { TypedValue = metadataJson, NpgsqlDbType = NpgsqlDbType.Jsonb },
            },
        };

    private static NpgsqlBatchCommand AppendMany(IReadOnlyList<StreamAppend> streams, Guid[] eventIds, EventTypeRegistry.Registration[] registrations, string[] data, string metadataJson)
    {
        var count = eventIds.Length;
        var eventStream = new int[count];
        var eventOffset = new long[count];
        var eventTypes = new string[count];
        var metadatas = new string[count];
        for (int i = 0, n = 0; i < streams.Count; i++)
        for (var j = 0; j < streams[i].Events.Count; j++, n++)
        {
            eventStream[n] = i + 1;
            eventOffset[n] = j + 1;
            eventTypes[n] = registrations[n].Name;
            metadatas[n] = metadataJson;
        }
        return new NpgsqlBatchCommand("SELECT version, seq, recorded_at FROM es_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        {
            Parameters =
            {
                new() { Value = streams.Select(s => s.StreamId).ToArray() },
                new() { Value = streams.Select(s => s.StreamType).ToArray() },
                new() { Value = streams.Select(s => s.Expected.Value).ToArray() },
                new() { Value = streams.Select(s => (long)s.Events.Count).ToArray() },
                new() { Value = eventStream },
                new() { Value = eventOffset },
                new() { Value = eventIds },
                new() { Value = eventTypes },
                new() { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
                new() { Value = metadatas, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
            },
        };
    }

    /// <summary>
    /// Closes the append gate for the rest of <paramref name="conn"/>'s transaction: waits for the appends in flight
    /// to finish and holds new ones back at their first write (es_streams), while reads go on. Every append takes
    /// ROW EXCLUSIVE on es_streams before it writes anything else (0003_append_one.sql).
    /// </summary>
    public async Task HoldAppendGateAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand($"LOCK TABLE {SchemaMigrator.QuoteIdent(Schema)}.es_streams IN EXCLUSIVE MODE", conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A stream's current version (0 when it does not exist), without reading its events.</summary>
    public async Task<long> StreamVersionAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var cmd = CommandDataSource.CreateCommand("SELECT version FROM es_streams WHERE id = $1");
        cmd.Parameters.Add(new() { Value = streamId });
        return await cmd.ExecuteScalarAsync(ct) is long version ? version : 0;
    }

    /// <summary>Reads a stream in version order, optionally only up to a version or a recorded time.</summary>
    public async Task<StreamSlice> ReadStreamAsync(Guid streamId, long? upToVersion = null, DateTimeOffset? recordedUpTo = null, CancellationToken ct = default)
    {
        using var activity = EventStoreTelemetry.Source.StartActivity("es.read_stream");
        await using var conn = await CommandDataSource.OpenConnectionAsync(ct);
        // One statement. The stream's type and the subject's key are scalar subqueries on the one stream id, which
        // PostgreSQL runs once per statement (an InitPlan) rather than joining per row: reads of a 10-event stream
        // take about 60 µs less than with the joins.
        await using var cmd = new NpgsqlCommand(
            """
            SELECT e.seq, e.id, e.stream_id, (SELECT s.type FROM es_streams s WHERE s.id = $1), e.version, e.type, e.data, e.metadata, e.recorded_at,
                   (SELECT k.key FROM es_personal_keys k WHERE k.subject_id = $1)
            FROM es_events e
            WHERE e.stream_id = $1 AND e.version <= $2 AND e.recorded_at <= $3
            ORDER BY e.version
            """, conn)
        {
            Parameters =
            {
                new() { Value = streamId },
                new() { Value = upToVersion ?? long.MaxValue },
                new() { Value = recordedUpTo ?? DateTimeOffset.MaxValue, NpgsqlDbType = NpgsqlDbType.TimestampTz },
            },
        };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        // No key (never sealed anything, or erased) reads sealed fields as erased, as an erased key does.
        Dictionary<Guid, byte[]?>? keys = null;
        var events = new List<RecordedEvent>();
        while (await reader.ReadAsync(ct))
        {
            keys ??= new() { [streamId] = reader.IsDBNull(9) ? null : reader.GetFieldValue<byte[]>(9) };
            events.Add(ReadEvent(reader, keys));
        }
        return new StreamSlice(streamId, events.Count == 0 ? 0 : events[^1].Version, events);
    }

    /// <summary>
    /// Reads committed events after a global position, in sequence order. A transaction still in flight can
    /// later commit events below the last position returned; consumers that must see every event use the daemon.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterSequence, int pageSize, CancellationToken ct = default)
    {
        using var activity = EventStoreTelemetry.Source.StartActivity("es.read_all");
        await using var conn = await DataSource.OpenConnectionAsync(ct);
        var page = await ReadPageAsync(conn,
            "e.seq > $1 ORDER BY e.seq LIMIT $2",
            [new NpgsqlParameter { Value = afterSequence }, new NpgsqlParameter { Value = pageSize }], pageSize, [], ct);
        return page.Select(p => p.Event).ToList();
    }

    /// <summary>
    /// Events every one of whose writers has finished, after (tx, seq), in (tx, seq) order. Nothing can ever
    /// appear behind the returned page, and a stream's events keep their version order (see es_append).
    /// </summary>
    /// <remarks><paramref name="streamTypes"/>: stream types already known, and where those this page meets are kept (see ReadPageAsync).</remarks>
    internal async Task<IReadOnlyList<(RecordedEvent Event, ulong Tx)>> ReadSettledPageAsync(NpgsqlConnection conn, ulong afterTx, long afterSequence, int pageSize,
        Dictionary<Guid, string> streamTypes, CancellationToken ct) =>
        await ReadPageAsync(conn,
            "e.tx_id < pg_snapshot_xmin(pg_current_snapshot()) AND (e.tx_id, e.seq) > ($1, $2) ORDER BY e.tx_id, e.seq LIMIT $3",
            [new NpgsqlParameter { Value = afterTx, NpgsqlDbType = NpgsqlDbType.Xid8 }, new NpgsqlParameter { Value = afterSequence }, new NpgsqlParameter { Value = pageSize }],
            pageSize, streamTypes, ct);

    /// <summary>Every event visible to the caller's snapshot after (tx, seq), in (tx, seq) order: for rebuilds inside one snapshot.</summary>
    internal async Task<IReadOnlyList<(RecordedEvent Event, ulong Tx)>> ReadPageAfterAsync(NpgsqlConnection conn, ulong afterTx, long afterSequence, int pageSize,
        Dictionary<Guid, string> streamTypes, CancellationToken ct) =>
        await ReadPageAsync(conn,
            "(e.tx_id, e.seq) > ($1, $2) ORDER BY e.tx_id, e.seq LIMIT $3",
            [new NpgsqlParameter { Value = afterTx, NpgsqlDbType = NpgsqlDbType.Xid8 }, new NpgsqlParameter { Value = afterSequence }, new NpgsqlParameter { Value = pageSize }],
            pageSize, streamTypes, ct);

    /// <summary>Whole streams, each in version order: what inline projections read inside an append.</summary>
    internal async Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(NpgsqlConnection conn, IReadOnlyCollection<Guid> streamIds, CancellationToken ct)
    {
        if (streamIds.Count == 0) return [];
        // One statement, as in ReadStreamAsync: the stream's type and the subject's key are correlated subqueries rather than
        // joins. PostgreSQL plans this statement afresh on every append (a prepared statement over an array of unknown
        // length keeps custom plans), and the joins made planning cost 120 µs of server time per call, plus a second
        // round trip for the keys; measured through pg_stat_statements in the HTTP benchmark.
        await using var cmd = new NpgsqlCommand(
            """
            SELECT e.seq, e.id, e.stream_id, (SELECT s.type FROM es_streams s WHERE s.id = e.stream_id), e.version, e.type, e.data, e.metadata, e.recorded_at,
                   (SELECT k.key FROM es_personal_keys k WHERE k.subject_id = e.stream_id)
            FROM es_events e
            WHERE e.stream_id = ANY($1)
            ORDER BY e.stream_id, e.version
            """, conn)
        { Parameters = { new() { Value = streamIds as Guid[] ?? streamIds.ToArray() } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        // No key (never sealed anything, or erased) reads sealed fields as erased, as an erased key does.
        var keys = new Dictionary<Guid, byte[]?>();
        var events = new List<RecordedEvent>();
        while (await reader.ReadAsync(ct))
        {
            var streamId = reader.GetGuid(2);
            if (!keys.ContainsKey(streamId)) keys[streamId] = reader.IsDBNull(9) ? null : reader.GetFieldValue<byte[]>(9);
            events.Add(ReadEvent(reader, keys));
        }
        return events;
    }

    /// <summary>
    /// A page of the log. Each stream's type comes from <paramref name="streamTypes"/>, a stream's type never changes: those
    /// not in it yet are looked up once, for the page's distinct streams, and added to it. A caller reading page after page
    /// (a rebuild) keeps one for the whole read, so each stream is looked up once.
    /// </summary>
    private async Task<List<(RecordedEvent Event, ulong Tx)>> ReadPageAsync(NpgsqlConnection conn, string where, NpgsqlParameter[] parameters,
        int pageSize, Dictionary<Guid, string> streamTypes, CancellationToken ct)
    {
        // Both lists are made at the size they can reach (a caller's page size, within reason): grown by doubling, a rebuild's pages
        // (where most streams are new to the reader, so most events wait) allocated about twice what they kept.
        var capacity = Math.Min(pageSize, 100_000);
        var events = new List<(RecordedEvent Event, ulong Tx)>(capacity);
        // Most bodies are decoded as they arrive; those whose stream is new to us, or that may hold sealed fields, wait for
        // the stream's type and the subject's key, both read after the page in one round trip.
        List<(int At, long Seq, Guid Id, Guid StreamId, long Version, string Type, byte[] Data, byte[] Metadata, DateTimeOffset RecordedAt)>? waiting = null;
        var sealedSubjects = new HashSet<Guid>();
        var noKeys = new Dictionary<Guid, byte[]?>();
        // The stream's type is neither joined nor a subquery per row. With a join, a log written in one large transaction
        // (a bulk import) misled the planner's estimate of (tx_id, seq) > (…), and each page became a parallel hash join
        // sorting every later event on disk (180 ms a page against 16 ms at 20,000 careers); a subquery per row probed
        // es_streams once per event, 2 µs of server CPU each, a third of what a rebuild's reading cost the server.
        await using (var cmd = new NpgsqlCommand(
            $"SELECT e.seq, e.id, e.stream_id, e.version, e.type, e.data, e.metadata, e.recorded_at, e.tx_id FROM es_events e WHERE {where}", conn))
        {
            cmd.Parameters.AddRange(parameters);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var streamId = reader.GetGuid(2);
                var data = reader.GetFieldValue<byte[]>(5);
                var tx = reader.GetFieldValue<ulong>(8);
                var sealedFields = PersonalData.MaySeal(data);
                if (sealedFields || !streamTypes.TryGetValue(streamId, out var streamType))
                {
                    if (sealedFields) sealedSubjects.Add(streamId);
                    waiting ??= new(Math.Max(capacity - events.Count, 1));
                    waiting.Add((events.Count, reader.GetInt64(0), reader.GetGuid(1), streamId, reader.GetInt64(3), reader.GetString(4),
                        data, reader.GetFieldValue<byte[]>(6), reader.GetFieldValue<DateTimeOffset>(7)));
                    events.Add((null!, tx));
                }
                else
                    events.Add((Deserialize(reader.GetInt64(0), reader.GetGuid(1), streamId, streamType, reader.GetInt64(3), reader.GetString(4),
                        data, reader.GetFieldValue<byte[]>(6), reader.GetFieldValue<DateTimeOffset>(7), noKeys), tx));
            }
        }
        if (waiting is null) return events;

        var unknown = waiting.Select(w => w.StreamId).Where(id => !streamTypes.ContainsKey(id)).Distinct().ToArray();
        Dictionary<Guid, byte[]?> keys;
        await using (var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT id, type FROM es_streams WHERE id = ANY($1)") { Parameters = { new() { Value = unknown } } },
                new NpgsqlBatchCommand("SELECT subject_id, key FROM es_personal_keys WHERE subject_id = ANY($1)") { Parameters = { new() { Value = sealedSubjects.ToArray() } } },
            },
        })
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            // Few distinct types: one string each, not one per stream.
            var names = new Dictionary<string, string>();
            while (await reader.ReadAsync(ct))
            {
                var type = reader.GetString(1);
                streamTypes[reader.GetGuid(0)] = names.TryGetValue(type, out var known) ? known : names[type] = type;
            }
            await reader.NextResultAsync(ct);
            keys = await ReadKeysAsync(reader, ct);
        }
        foreach (var w in waiting)
            events[w.At] = (Deserialize(w.Seq, w.Id, w.StreamId, streamTypes[w.StreamId], w.Version, w.Type, w.Data, w.Metadata, w.RecordedAt, keys), events[w.At].Tx);
        return events;
    }

    /// <summary>
    /// Erases a subject's personal data by deleting its key: every personal field of its events reads as
    /// <see cref="PersonalData.Erased"/> from now on, and later writes for it store nothing personal.
    /// </summary>
    public async Task EraseSubjectAsync(Guid subjectId, CancellationToken ct = default)
    {
        await using var cmd = DataSource.CreateCommand(
            """
            INSERT INTO es_personal_keys (subject_id, key, erased_at) VALUES ($1, NULL, now())
            ON CONFLICT (subject_id) DO UPDATE SET key = NULL, erased_at = coalesce(es_personal_keys.erased_at, now())
            """);
        cmd.Parameters.Add(new() { Value = subjectId });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await CommandDataSource.DisposeAsync();
        await DataSource.DisposeAsync();
    }

    /// <summary>SQLSTATE es_append raises when a stream is not at its expected version (nothing was written).</summary>
    private const string StreamMoved = "ES002";

    /// <summary>
    /// Builds the conflict from values we hold plus the versions read back, never from error text: the
    /// first stream whose version is not the one expected.
    /// </summary>
    private static async Task<StreamConflictException> ConflictAsync(NpgsqlConnection conn, IReadOnlyList<StreamAppend> streams, CancellationToken ct)
    {
        var actual = new Dictionary<Guid, long>();
        await using (var cmd = new NpgsqlCommand("SELECT id, version FROM es_streams WHERE id = ANY($1)", conn) { Parameters = { new() { Value = streams.Select(s => s.StreamId).ToArray() } } })
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) actual[reader.GetGuid(0)] = reader.GetInt64(1);
        var moved = streams.FirstOrDefault(s => s.Expected.Value >= 0 && s.Expected.Value != actual.GetValueOrDefault(s.StreamId)) ?? streams[0];
        return new StreamConflictException(moved.StreamId, moved.Expected, actual.GetValueOrDefault(moved.StreamId));
    }

    private async Task<Dictionary<Guid, byte[]?>> KeysForWriteAsync(Guid[] subjects, CancellationToken ct)
    {
        await using var conn = await CommandDataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("INSERT INTO es_personal_keys (subject_id, key) SELECT * FROM unnest($1::uuid[], $2::bytea[]) ON CONFLICT (subject_id) DO NOTHING")
                {
                    Parameters = { new() { Value = subjects }, new() { Value = subjects.Select(_ => PersonalData.NewKey()).ToArray() } },
                },
                new NpgsqlBatchCommand("SELECT subject_id, key FROM es_personal_keys WHERE subject_id = ANY($1)") { Parameters = { new() { Value = subjects } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (reader.FieldCount == 0) await reader.NextResultAsync(ct);
        return await ReadKeysAsync(reader, ct);
    }

    private static async Task<Dictionary<Guid, byte[]?>> ReadKeysAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var keys = new Dictionary<Guid, byte[]?>();
        while (await reader.ReadAsync(ct))
            keys[reader.GetGuid(0)] = reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1);
        return keys;
    }

    private RecordedEvent ReadEvent(NpgsqlDataReader r, Dictionary<Guid, byte[]?> keys) =>
        Deserialize(r.GetInt64(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetInt64(4), r.GetString(5), r.GetFieldValue<byte[]>(6),
            r.GetFieldValue<byte[]>(7), r.GetFieldValue<DateTimeOffset>(8), keys);

    /// <summary>
    /// The one deserialiser: upcasters, then personal data, then the current record type. Bodies and metadata arrive
    /// as the UTF-8 the database sends (jsonb read as bytes), which the JSON reader takes without a detour through strings.
    /// </summary>
    private RecordedEvent Deserialize(long seq, Guid id, Guid streamId, string streamType, long version, string typeName, byte[] json, byte[] metadata,
        DateTimeOffset recordedAt, Dictionary<Guid, byte[]?> keys)
    {
        var name = typeName;
        // A current type is read straight into its record; the few holding personal fields have them opened on the way.
        if (Types.Current(typeName) is { } current)
        {
            var utf8 = current.PersonalProperties.Count == 0
                ? json
                : PersonalData.Open(json, current.PersonalProperties, streamId, keys.GetValueOrDefault(streamId));
            return new RecordedEvent(seq, id, streamId, streamType, version, name,
                JsonSerializer.Deserialize(utf8, current.Type, EventTypeRegistry.JsonOptions) ?? throw new JsonException($"Event {seq} ({typeName}) has an empty body."),
                metadata, recordedAt);
        }
        // A retired name: its upcasters work on the tree.
        var body = JsonNode.Parse(json)!.AsObject();
        var registration = Types.Resolve(ref name, ref body, seq);
        if (registration.PersonalProperties.Count > 0)
            PersonalData.Open(body, registration.PersonalProperties, streamId, keys.GetValueOrDefault(streamId));
        var data = body.Deserialize(registration.Type, EventTypeRegistry.JsonOptions)
            ?? throw new JsonException($"Event {seq} ({typeName}) has an empty body.");
        return new RecordedEvent(seq, id, streamId, streamType, version, name, data, metadata, recordedAt);
    }

    private static async Task RollbackAsync(NpgsqlConnection conn)
    {
        if (conn.State != System.Data.ConnectionState.Open) return;
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", conn);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The connection is broken; the server has rolled back already and the pool discards it.
        }
    }
}
