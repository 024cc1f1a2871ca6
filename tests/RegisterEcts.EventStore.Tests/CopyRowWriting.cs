using Npgsql;
using NpgsqlTypes;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

/// <summary>
/// A rebuild may write a row value by value (<see cref="CopyRows.Row"/>) instead of as an array of boxed values. The same rows
/// inserted by Npgsql with the same NpgsqlDbTypes are the reference, as for <see cref="CopyRows.Add"/>.
/// </summary>
public class when_a_rebuild_writes_a_row_value_by_value : StoreFixture
{
    private const string ColumnsSql = "id bigint PRIMARY KEY, u uuid, t text, d date, ts timestamptz, ta text[]";

    private static readonly (string Column, NpgsqlDbType Type)[] Columns =
    [
        ("id", NpgsqlDbType.Bigint), ("u", NpgsqlDbType.Uuid), ("t", NpgsqlDbType.Text), ("d", NpgsqlDbType.Date), ("ts", NpgsqlDbType.TimestampTz),
        ("ta", NpgsqlDbType.Array | NpgsqlDbType.Text),
    ];

    private readonly RowsProjection _projection = new();

    protected override void Configure(EventStoreOptions options)
    {
        TestEvents.Register(options);
        options.Migrations.Add(new Migration("tests/0001_rows",
            $"CREATE TABLE written_rows ({ColumnsSql}); CREATE TABLE inserted_rows ({ColumnsSql});"));
        options.InlineProjections.Add(_projection);
    }

    private static IEnumerable<Row> Rows()
    {
        yield return new(1, Guid.Parse("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"), "Oak Academy — Élan, 学校 😀", new DateOnly(2026, 3, 1),
            new DateTimeOffset(2026, 3, 1, 9, 30, 15, 123, TimeSpan.Zero).AddTicks(4560), ["TRN set to '1234567'", "", "part \"time\""]);
        yield return new(long.MaxValue, Guid.Empty, null, null, DateTimeOffset.MinValue, []);
        yield return new(-1, Guid.NewGuid(), "", DateOnly.MaxValue, DateTimeOffset.MaxValue, [new string('x', 100_000) + "é"]);
        // Enough rows to cross many of the encoder's chunks.
        for (var k = 0; k < 3_000; k++)
            yield return new(100 + k, Guid.NewGuid(), $"Teacher {k} ünïcödé {new string('z', k % 300)}", k % 5 == 0 ? null : new DateOnly(2021, 1, 1).AddDays(k),
                new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(k * 7919.123457), [.. Enumerable.Range(0, k % 4).Select(i => $"change {i}")]);
    }

    [Fact]
    public async Task every_value_arrives_as_npgsql_would_have_written_it()
    {
        var id = Guid.CreateVersion7();
        _projection.Rows = Rows().ToList();
        await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);
        await new ProjectionRebuilder(Store).RebuildAsync(_projection);

        (await CountAsync("SELECT count(*) FROM written_rows")).ShouldBe(_projection.Rows.Count);
        (await CountAsync("SELECT count(*) FROM inserted_rows")).ShouldBe(_projection.Rows.Count);
        (await CountAsync("SELECT count(*) FROM written_rows w FULL JOIN inserted_rows i USING (id) WHERE (w.*)::text IS DISTINCT FROM (i.*)::text")).ShouldBe(0);
        // Not vacuous: the values are there as they went in.
        await using var cmd = Store.DataSource.CreateCommand("SELECT t, d::text, ta FROM written_rows WHERE id = 1");
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetString(0).ShouldBe("Oak Academy — Élan, 学校 😀");
        reader.GetString(1).ShouldBe("2026-03-01");
        reader.GetFieldValue<string[]>(2).ShouldBe(["TRN set to '1234567'", "", "part \"time\""]);
    }

    [Fact]
    public async Task a_value_of_another_type_than_its_column_fails_the_rebuild_and_names_the_column()
    {
        var id = Guid.CreateVersion7();
        _projection.Rows = [.. Rows().Take(1)];
        _projection.Write = (row, writer) => writer.Bigint(row.Id).Text("not a uuid");
        await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);

        var error = await Should.ThrowAsync<NotSupportedException>(() => new ProjectionRebuilder(Store).RebuildAsync(_projection));

        error.Message.ShouldBe("written_rows.u is Uuid, not Text.");
    }

    [Fact]
    public async Task a_row_missing_a_value_fails_the_rebuild()
    {
        var id = Guid.CreateVersion7();
        _projection.Rows = [.. Rows().Take(1)];
        _projection.Write = (row, writer) => writer.Bigint(row.Id).Uuid(row.U).End();
        await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);

        var error = await Should.ThrowAsync<InvalidOperationException>(() => new ProjectionRebuilder(Store).RebuildAsync(_projection));

        error.Message.ShouldBe("written_rows takes 6 values, not 2.");
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = Store.DataSource.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private sealed record Row(long Id, Guid U, string? T, DateOnly? D, DateTimeOffset Ts, string[] Ta);

    /// Writes its rows value by value in a rebuild; inserts them through Npgsql, as parameters of the same types, inline.
    private sealed class RowsProjection : IProjection
    {
        public List<Row> Rows { get; set; } = [];

        public Action<Row, CopyRows.RowWriter> Write { get; set; } =
            (row, writer) => writer.Bigint(row.Id).Uuid(row.U).Text(row.T).Date(row.D).TimestampTz(row.Ts).TextArray(row.Ta).End();

        public string Name => "written_rows";

        public IReadOnlyList<string> Tables => ["written_rows"];

        public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
        {
            if (!events.Any(e => e.Data is TeacherRegistered)) return ValueTask.CompletedTask;
            foreach (var row in Rows)
            {
                if (context.IsRebuild) Write(row, context.Copy("written_rows", Columns).Row());
                else
                    context.Enqueue(
                        "INSERT INTO inserted_rows (id, u, t, d, ts, ta) VALUES ($1, $2, $3, $4, $5, $6)",
                        new object?[] { row.Id, row.U, row.T, row.D, row.Ts, row.Ta }
                            .Select((v, i) => (object?)new NpgsqlParameter { Value = v ?? DBNull.Value, NpgsqlDbType = Columns[i].Type }).ToArray());
            }
            return ValueTask.CompletedTask;
        }
    }
}
