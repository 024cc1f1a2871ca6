using RegisterEcts.Api.LeadProviders.V3;
using RegisterEcts.Testing;

namespace RegisterEcts.Api.Tests.LeadProviders;

/// <summary>
/// A keys-first list filtered by updated_since and sorted by another column takes one of two plans, by how many
/// rows match (<see cref="V3Query.FewSince"/>): sort the few matching keys, or walk the sort order and filter. Both
/// must give the same pages, by number and by cursor. The rows updated since are the newest created, as for a
/// provider polling for recent changes: the case where walking the sort order is slow.
/// </summary>
public class a_list_filtered_by_updated_since : StoreFixture
{
    private static readonly Guid Owner = Guid.CreateVersion7();
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly List<(Guid Id, DateTimeOffset Created, DateTimeOffset Updated)> _rows = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var create = Store.DataSource.CreateCommand(
            """
            CREATE TABLE docs (owner uuid NOT NULL, id uuid NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, document jsonb NOT NULL,
                PRIMARY KEY (owner, id));
            CREATE INDEX docs_updated ON docs (owner, updated_at, id) INCLUDE (created_at);
            CREATE INDEX docs_created ON docs (owner, created_at, id) INCLUDE (updated_at);
            """);
        await create.ExecuteNonQueryAsync();
        for (var i = 0; i < 300; i++)
        {
            // Later rows were updated later; a few created at the same moment, so the id breaks ties.
            var created = Start.AddMinutes(i / 3);
            var updated = Start.AddDays(10).AddMinutes(i);
            _rows.Add((Guid.CreateVersion7(), created, updated));
        }
        foreach (var owner in new[] { Owner, Guid.CreateVersion7() })
        foreach (var (id, created, updated) in _rows)
        {
            await using var insert = Store.DataSource.CreateCommand("INSERT INTO docs VALUES ($1, $2, $3, $4, jsonb_build_object('id', $2::text))");
            insert.Parameters.Add(new() { Value = owner });
            insert.Parameters.Add(new() { Value = owner == Owner ? id : Guid.CreateVersion7() });
            insert.Parameters.Add(new() { Value = created });
            insert.Parameters.Add(new() { Value = updated });
            await insert.ExecuteNonQueryAsync();
        }
    }

    [Theory]
    [InlineData(1000, 120)] // 120 rows match: few, sorted alone
    [InlineData(10, 120)]   // more than 10 match: walk created_at and filter
    [InlineData(10, 0)]     // nothing matches
    [InlineData(1000, 300)]
    public async Task pages_by_number_and_by_cursor_hold_exactly_the_rows_updated_since_in_created_order(int fewSince, int matching)
    {
        var since = Start.AddDays(10).AddMinutes(300 - matching);
        var expected = _rows.Where(r => r.Updated >= since).OrderBy(r => r.Created).ThenBy(r => r.Id).Select(r => r.Id).ToList();

        var byCursor = new List<Guid>();
        V3Cursor? cursor = null;
        // Bounded: a cursor that went nowhere would otherwise page for ever.
        for (var pages = 0; pages <= expected.Count / 25 + 1; pages++)
        {
            var page = await ReadAsync(fewSince, since, page: 1, cursor);
            byCursor.AddRange(page.Rows);
            if ((cursor = page.Next) is null) break;
        }
        byCursor.ShouldBe(expected);

        (await ReadAsync(fewSince, since, page: 3, cursor: null)).Rows.ShouldBe(expected.Skip(50).Take(25));
    }

    private Task<V3Page<Guid>> ReadAsync(int fewSince, DateTimeOffset since, int page, V3Cursor? cursor)
    {
        var list = new V3ListRequest { Page = page, PerPage = 25, Sort = [], Cursor = cursor, UpdatedSince = since };
        var query = new V3Query("d.id", "docs d", "d.id", new Dictionary<string, string> { ["created_at"] = "d.created_at", ["updated_at"] = "d.updated_at" }) { FewSince = fewSince };
        var owner = query.Param(Owner);
        query.Where($"d.owner = {owner}").KeysFirst($"JOIN docs d ON d.owner = {owner} AND d.id = k.v3_key_id").UpdatedSince(list, "d.updated_at");
        return query.ReadAsync(Store.DataSource, list, r => r.GetGuid(0), CancellationToken.None);
    }
}
