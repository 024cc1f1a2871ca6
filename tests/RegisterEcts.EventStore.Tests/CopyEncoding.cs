using System.Text;
using Npgsql;
using NpgsqlTypes;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

/// <summary>
/// A rebuild's COPY encodes its rows itself, in PostgreSQL's binary format. The same rows inserted by Npgsql with the same
/// NpgsqlDbTypes are the reference: every value must arrive in the table exactly as Npgsql would have written it.
/// </summary>
public class when_a_rebuild_copies_values_of_every_type : StoreFixture
{
    private const string ColumnsSql =
        "id integer PRIMARY KEY, u uuid, t text, j jsonb, jb jsonb, i integer, i8 bigint, l8 bigint, b boolean, d date, ts timestamptz, tu timestamptz, " +
        "n numeric, by bytea, r daterange, ta text[], ua uuid[], ia integer[], js json, jsb json, la bigint[]";

    private static readonly (string Column, NpgsqlDbType Type)[] Columns =
    [
        ("id", NpgsqlDbType.Integer), ("u", NpgsqlDbType.Uuid), ("t", NpgsqlDbType.Text), ("j", NpgsqlDbType.Jsonb), ("jb", NpgsqlDbType.Jsonb),
        ("i", NpgsqlDbType.Integer), ("i8", NpgsqlDbType.Bigint), ("l8", NpgsqlDbType.Bigint), ("b", NpgsqlDbType.Boolean), ("d", NpgsqlDbType.Date),
        ("ts", NpgsqlDbType.TimestampTz), ("tu", NpgsqlDbType.TimestampTz), ("n", NpgsqlDbType.Numeric), ("by", NpgsqlDbType.Bytea),
        ("r", NpgsqlDbType.DateRange), ("ta", NpgsqlDbType.Array | NpgsqlDbType.Text), ("ua", NpgsqlDbType.Array | NpgsqlDbType.Uuid),
        ("ia", NpgsqlDbType.Array | NpgsqlDbType.Integer), ("js", NpgsqlDbType.Json), ("jsb", NpgsqlDbType.Json),
        ("la", NpgsqlDbType.Array | NpgsqlDbType.Bigint),
    ];

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private readonly ValuesProjection _projection = new();

    protected override void Configure(EventStoreOptions options)
    {
        TestEvents.Register(options);
        options.Migrations.Add(new Migration("tests/0001_values",
            $"CREATE TABLE copied_values ({ColumnsSql}); CREATE TABLE inserted_values ({ColumnsSql});"));
        options.InlineProjections.Add(_projection);
    }

    private static IEnumerable<object?[]> Rows()
    {
        yield return [1, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null];
        yield return
        [
            2, Guid.Parse("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"), "Oak Academy — Élan, 学校 😀", """{"a": "é 😀", "n": [1, 2.5, null]}""",
            Utf8("""{"nested": {"x": true}, "é": "😀"}"""), int.MinValue, 42, long.MaxValue, true, new DateOnly(2026, 3, 1),
            new DateTimeOffset(2026, 3, 1, 9, 30, 15, 123, TimeSpan.Zero).AddTicks(4560), new DateTime(2025, 12, 31, 23, 59, 59, DateTimeKind.Utc),
            1.5m, new byte[] { 0, 1, 127, 128, 255 },
            new NpgsqlRange<DateOnly>(new DateOnly(2026, 9, 1), true, new DateOnly(2027, 7, 31), false),
            new[] { "full_time", null, "", "part \"time\"" }, new[] { Guid.Empty, Guid.Parse("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b") }, new[] { 2024, -1, 0 },
            """{"kept":   "as written", "b": 1, "b": 2}""", Utf8("""[ "é",  1 ]"""), new[] { long.MinValue, 0L, long.MaxValue },
        ];
        yield return
        [
            3, Guid.Empty, "", "[]", Utf8("{}"), 0, -7, long.MinValue, false, new DateOnly(1999, 12, 31),
            new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(-10), DateTime.SpecifyKind(new DateTime(1970, 1, 1), DateTimeKind.Utc),
            -2.25m, Array.Empty<byte>(), NpgsqlRange<DateOnly>.Empty, Array.Empty<string>(), Array.Empty<Guid>(), Array.Empty<int>(), "{}", Utf8("null"), Array.Empty<long>(),
        ];
        yield return
        [
            4, Guid.NewGuid(), new string('x', 100_000) + "é", $$"""{"big": "{{new string('y', 150_000)}}"}""", Utf8($$"""{"big": "{{new string('w', 140_000)}}"}"""), int.MaxValue, int.MinValue,
            0L, true, DateOnly.MaxValue, DateTimeOffset.MaxValue, DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc), 12345678.0001m, new byte[70_000],
            new NpgsqlRange<DateOnly>(new DateOnly(2021, 9, 1), true, false, default, false, true),
            new[] { "a" }, new[] { Guid.NewGuid() }, new[] { int.MaxValue }, $$"""["{{new string('v', 90_000)}}"]""", Utf8($$"""["{{new string('u', 80_000)}}"]"""), new[] { 1L },
        ];
        yield return
        [
            5, Guid.NewGuid(), "0.0001", "null", Utf8("\"text\""), 1, 1, 1L, false, DateOnly.MinValue, DateTimeOffset.MinValue, DateTime.SpecifyKind(new DateTime(2000, 1, 1), DateTimeKind.Utc),
            0.0001m, new byte[] { 9 }, new NpgsqlRange<DateOnly>(default, false, true, new DateOnly(2030, 1, 1), true, false),
            new string?[] { null }, new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() }, new[] { 1, 2, 3, 4, 5 }, "1", Utf8("true"), new[] { -5L, 5L },
        ];
        // Enough ordinary rows to cross many of the encoder's chunks, arrays and strings included.
        for (var k = 0; k < 3_000; k++)
            yield return
            [
                100 + k, Guid.NewGuid(), $"Teacher {k} ünïcödé", $$"""{"k": {{k}}, "s": "{{new string('z', k % 300)}}"}""", Utf8($$"""[{{k}}]"""), k, (long)k << 20, -(long)k, k % 2 == 0,
                new DateOnly(2021, 1, 1).AddDays(k), new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(k * 7919.123457),
                DateTime.SpecifyKind(new DateTime(2022, 1, 1).AddMinutes(k), DateTimeKind.Utc), k / 8m - 100,
                Encoding.UTF8.GetBytes(new string('b', k % 50)), new NpgsqlRange<DateOnly>(new DateOnly(2021, 1, 1).AddDays(k), new DateOnly(2022, 1, 1).AddDays(k)),
                Enumerable.Range(0, k % 7).Select(i => $"s{i}").ToArray(), Enumerable.Range(0, k % 5).Select(_ => Guid.NewGuid()).ToArray(), Enumerable.Range(0, k % 9).ToArray(),
                $$"""{"k":{{k}}}""", Utf8($$"""{"k": "{{new string('q', k % 200)}}"}"""), Enumerable.Range(0, k % 4).Select(i => (long)i << 40).ToArray(),
            ];
    }

    [Fact]
    public async Task every_value_arrives_as_npgsql_would_have_written_it()
    {
        var id = Guid.CreateVersion7();
        _projection.Rows = Rows().ToList();
        // Inline, the projection inserts the rows through Npgsql; the rebuild copies the same rows with the encoder.
        await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);
        await new ProjectionRebuilder(Store).RebuildAsync(_projection);

        (await CountAsync("SELECT count(*) FROM copied_values")).ShouldBe(_projection.Rows.Count);
        (await CountAsync("SELECT count(*) FROM inserted_values")).ShouldBe(_projection.Rows.Count);
        var differing = await CountAsync(
            "SELECT count(*) FROM copied_values c FULL JOIN inserted_values i USING (id) WHERE (c.*)::text IS DISTINCT FROM (i.*)::text");
        differing.ShouldBe(0);
        // The comparison is not vacuous: values are there, and read back as they went in.
        await using var cmd = Store.DataSource.CreateCommand("SELECT t, j->>'a', r::text, ta, n, d::text, js::text, jb->>'é' FROM copied_values WHERE id = 2");
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetString(0).ShouldBe("Oak Academy — Élan, 学校 😀");
        reader.GetString(1).ShouldBe("é 😀");
        reader.GetString(2).ShouldBe("[2026-09-01,2027-07-31)");
        reader.GetFieldValue<string?[]>(3).ShouldBe(["full_time", null, "", "part \"time\""]);
        reader.GetDecimal(4).ShouldBe(1.5m);
        reader.GetString(5).ShouldBe("2026-03-01");
        reader.GetString(6).ShouldBe("""{"kept":   "as written", "b": 1, "b": 2}""");
        reader.GetString(7).ShouldBe("😀");
    }

    [Fact]
    public async Task a_value_the_encoder_cannot_write_fails_the_rebuild_and_names_the_column()
    {
        var id = Guid.CreateVersion7();
        _projection.Rows = [[1, null, null, null, null, 3.5, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null]];
        _projection.InsertInline = false;
        await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);

        var error = await Should.ThrowAsync<NotSupportedException>(() => new ProjectionRebuilder(Store).RebuildAsync(_projection));

        error.Message.ShouldContain("copied_values.i");
        error.Message.ShouldContain("a Double cannot be copied as Integer");
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = Store.DataSource.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// Copies its rows in a rebuild; inserts them through Npgsql, as parameters of the same types, inline.
    private sealed class ValuesProjection : IProjection
    {
        public List<object?[]> Rows { get; set; } = [];

        public bool InsertInline { get; set; } = true;

        public string Name => "copied_values";

        public IReadOnlyList<string> Tables => ["copied_values"];

        public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
        {
            if (!events.Any(e => e.Data is TeacherRegistered)) return ValueTask.CompletedTask;
            foreach (var row in Rows)
            {
                if (context.IsRebuild) context.Copy("copied_values", Columns).Add(row);
                else if (InsertInline)
                    context.Enqueue(
                        $"INSERT INTO inserted_values ({string.Join(", ", Columns.Select(c => c.Column))}) VALUES ({string.Join(", ", Columns.Select((_, i) => $"${i + 1}"))})",
                        // JSON given as UTF-8 goes to Npgsql as the same text.
                        row.Select((v, i) => (object?)new NpgsqlParameter { Value = v is byte[] b && Columns[i].Type is NpgsqlDbType.Jsonb or NpgsqlDbType.Json ? Encoding.UTF8.GetString(b) : v ?? DBNull.Value, NpgsqlDbType = Columns[i].Type }).ToArray());
            }
            return ValueTask.CompletedTask;
        }
    }
}
