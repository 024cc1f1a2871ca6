using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RegisterEcts.EventStore.Serialization;

namespace RegisterEcts.EventStore;

/// <summary>
/// Loads events produced elsewhere (a data migration, a large seed) with binary COPY instead of one append per
/// command. Events are stored exactly as <see cref="PostgresEventStore.AppendAsync(IReadOnlyList{StreamAppend}, EventContext, CancellationToken)"/>
/// stores them (registered type names, personal fields sealed under the stream's key, the same metadata), but
/// inline projections do NOT run: the caller rebuilds them afterwards (<c>ProjectionRebuilder</c>), which replays
/// the log exactly as the appends would have built it. Use it only while nothing serves the read tables.
/// </summary>
public static class BulkImport
{
    /// <summary>
    /// Writes the appends, in the order given (a stream may appear several times), in one transaction, holding the
    /// append gate exclusively so no append can interleave. Each entry must find its stream at its expected version
    /// (exact or "no stream"; "any" takes whatever the stream holds), otherwise nothing is written and a
    /// <see cref="StreamConflictException"/> is thrown.
    /// Returns the number of events written.
    /// </summary>
    public static async Task<long> ImportAsync(this PostgresEventStore store, IReadOnlyList<StreamAppend> streams, EventContext context, CancellationToken ct = default)
    {
        if (streams.Count == 0) return 0;
        if (streams.Any(s => s.Events.Count == 0))
            throw new ArgumentException("Each stream in an import needs at least one event.", nameof(streams));
        using var activity = EventStoreTelemetry.Source.StartActivity("es.import");
        activity?.SetTag("es.streams", streams.Count);
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await store.HoldAppendGateAsync(conn, ct);

        var ids = streams.Select(s => s.StreamId).Distinct().ToArray();
        var stored = new Dictionary<Guid, long>();
        await using (var cmd = new NpgsqlCommand("SELECT id, version FROM es_streams WHERE id = ANY($1)", conn) { Parameters = { new() { Value = ids } } })
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) stored[reader.GetGuid(0)] = reader.GetInt64(1);
        // A stream may appear several times (one entry per command, in command order): each entry is checked
        // against the version the entries before it left, as a sequence of appends would be.
        var versions = new Dictionary<Guid, long>(stored);
        var types = new Dictionary<Guid, string>();
        foreach (var s in streams)
        {
            var actual = versions.GetValueOrDefault(s.StreamId);
            if (s.Expected.Value >= 0 && s.Expected.Value != actual) throw new StreamConflictException(s.StreamId, s.Expected, actual);
            versions[s.StreamId] = actual + s.Events.Count;
            types.TryAdd(s.StreamId, s.StreamType);
        }

        // Keys as an append makes them: created once per subject, never replaced (an erased subject keeps a null key).
        var registrations = streams.Select(s => s.Events.Select(e => store.Types.For(e.GetType())).ToArray()).ToArray();
        var subjects = streams.Where((_, i) => registrations[i].Any(r => r.PersonalProperties.Count > 0)).Select(s => s.StreamId).Distinct().ToArray();
        var keys = new Dictionary<Guid, byte[]?>();
        if (subjects.Length > 0)
        {
            await using (var insert = new NpgsqlCommand(
                "INSERT INTO es_personal_keys (subject_id, key) SELECT * FROM unnest($1::uuid[], $2::bytea[]) ON CONFLICT (subject_id) DO NOTHING", conn)
            { Parameters = { new() { Value = subjects }, new() { Value = subjects.Select(_ => PersonalData.NewKey()).ToArray() } } })
                await insert.ExecuteNonQueryAsync(ct);
            await using var read = new NpgsqlCommand("SELECT subject_id, key FROM es_personal_keys WHERE subject_id = ANY($1)", conn) { Parameters = { new() { Value = subjects } } };
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) keys[reader.GetGuid(0)] = reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1);
        }

        var metadata = JsonSerializer.Serialize(
            new EventMetadata(context.Actor, context.EffectiveCorrelationId, context.CausationId, context.Reason, context.SupportTicket), EventTypeRegistry.JsonOptions);
        var total = streams.Sum(s => (long)s.Events.Count);
        // Sequence numbers in the order the events are given, drawn as one block: the gate keeps appends out meanwhile.
        long first;
        await using (var reserve = new NpgsqlCommand("SELECT setval('es_events_seq', nextval('es_events_seq') + $1 - 1) - $1 + 1", conn) { Parameters = { new() { Value = total } } })
            first = (long)(await reserve.ExecuteScalarAsync(ct))!;

        var seq = first;
        var next = new Dictionary<Guid, long>(stored);
        await using (var importer = await conn.BeginBinaryImportAsync("COPY es_events (seq, id, stream_id, version, type, data, metadata) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < streams.Count; i++)
            {
                var stream = streams[i];
                var version = next.GetValueOrDefault(stream.StreamId);
                for (var j = 0; j < stream.Events.Count; j++)
                {
                    var registration = registrations[i][j];
                    await importer.StartRowAsync(ct);
                    await importer.WriteAsync(seq++, NpgsqlDbType.Bigint, ct);
                    await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, ct);
                    await importer.WriteAsync(stream.StreamId, NpgsqlDbType.Uuid, ct);
                    await importer.WriteAsync(++version, NpgsqlDbType.Bigint, ct);
                    await importer.WriteAsync(registration.Name, NpgsqlDbType.Text, ct);
                    await importer.WriteAsync(Serialize(stream.Events[j], registration, stream.StreamId, keys), NpgsqlDbType.Jsonb, ct);
                    await importer.WriteAsync(metadata, NpgsqlDbType.Jsonb, ct);
                }
                next[stream.StreamId] = version;
            }
            await importer.CompleteAsync(ct);
        }

        await using (var importer = await conn.BeginBinaryImportAsync("COPY es_streams (id, type, version) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var id in ids.Where(id => !stored.ContainsKey(id)))
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(id, NpgsqlDbType.Uuid, ct);
                await importer.WriteAsync(types[id], NpgsqlDbType.Text, ct);
                await importer.WriteAsync(versions[id], NpgsqlDbType.Bigint, ct);
            }
            await importer.CompleteAsync(ct);
        }
        var grown = ids.Where(stored.ContainsKey).ToArray();
        if (grown.Length > 0)
        {
            await using var update = new NpgsqlCommand(
                "UPDATE es_streams s SET version = g.version, updated_at = now() FROM unnest($1::uuid[], $2::bigint[]) AS g(id, version) WHERE s.id = g.id", conn)
            { Parameters = { new() { Value = grown }, new() { Value = grown.Select(id => versions[id]).ToArray() } } };
            await update.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        EventStoreTelemetry.EventsAppended.Add(total);
        return total;
    }

    private static string Serialize(object e, EventTypeRegistry.Registration registration, Guid streamId, Dictionary<Guid, byte[]?> keys)
    {
        if (registration.PersonalProperties.Count == 0) return JsonSerializer.Serialize(e, registration.Type, EventTypeRegistry.JsonOptions);
        var body = JsonSerializer.SerializeToNode(e, registration.Type, EventTypeRegistry.JsonOptions)!.AsObject();
        PersonalData.Seal(body, registration.PersonalProperties, streamId, keys[streamId]);
        return body.ToJsonString(EventTypeRegistry.JsonOptions);
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
