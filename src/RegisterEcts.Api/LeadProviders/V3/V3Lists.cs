using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Npgsql;

namespace RegisterEcts.Api.LeadProviders.V3;

public sealed record V3Sort(string Attribute, bool Descending);

/// <summary>
/// The query string of a v3 list (rect-api-v3 §1.2–§1.4): page[page] / page[per_page] (default 100, at most
/// 3000), page[cursor] (our keyset cursor, from links.next), sort, filter[updated_since] and the
/// "filter must be a hash" rule. Parse throws <see cref="V3Exception"/> with the reference's words.
/// </summary>
public sealed partial class V3ListRequest
{
    public const int DefaultPerPage = 100;
    public const int MaxPerPage = 3000;

    public required int Page { get; init; }
    public required int PerPage { get; init; }
    public required IReadOnlyList<V3Sort> Sort { get; init; }
    public V3Cursor? Cursor { get; init; }
    public DateTimeOffset? UpdatedSince { get; init; }

    /// <param name="sortable">The attributes `sort` may name; anything else is ignored, as in the reference.</param>
    /// <param name="updatedSince">False where the endpoint has no updated_since filter (it is then ignored).</param>
    public static V3ListRequest Parse(HttpRequest request, IReadOnlyCollection<string> sortable, bool updatedSince = true)
    {
        var query = request.Query;
        EnsureFilterIsHash(request);
        var page = PositiveInt(query["page[page]"], 1);
        var perPage = Math.Min(PositiveInt(query["page[per_page]"], DefaultPerPage), MaxPerPage);
        var cursorText = query["page[cursor]"].ToString();
        var cursor = string.IsNullOrEmpty(cursorText) ? null : V3Cursor.Decode(cursorText);
        if (cursor is not null && !cursor.Sort.All(s => sortable.Contains(s.Attribute)))
            throw V3Exception.BadRequest("The '#/page[cursor]' parameter value is not a cursor this API gave out");
        var sort = cursor?.Sort ?? ParseSort(query["sort"].ToString(), sortable);
        return new V3ListRequest
        {
            Page = cursor is null ? page : 1,
            PerPage = perPage,
            Sort = sort,
            Cursor = cursor,
            UpdatedSince = updatedSince ? ParseUpdatedSince(query["filter[updated_since]"].ToString()) : null,
        };
    }

    /// `?filter=x` (not filter[…]=x) is refused on every endpoint.
    public static void EnsureFilterIsHash(HttpRequest request)
    {
        if (request.Query.ContainsKey("filter")) throw V3Exception.BadParameter("Filter must be a hash");
    }

    public static string? Filter(HttpRequest request, string name)
    {
        var value = request.Query[$"filter[{name}]"].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// filter[cohort]: null when absent or blank (no filtering); otherwise the integer years, which may be
    /// none at all (the result is then empty).
    public static IReadOnlyList<int>? Cohorts(HttpRequest request) =>
        Filter(request, "cohort") is { } text
            ? [.. text.Split(',', StringSplitOptions.TrimEntries).Where(p => IntPattern().IsMatch(p) && int.TryParse(p, out _)).Select(int.Parse).Distinct()]
            : null;

    /// A comma-separated filter as given; null when absent or blank.
    public static IReadOnlyList<string>? Csv(HttpRequest request, string name) =>
        Filter(request, name) is { } text ? [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] : null;

    private static int PositiveInt(Microsoft.Extensions.Primitives.StringValues value, int fallback)
    {
        if (value.Count == 0) return fallback;
        var text = value.ToString();
        if (IntPattern().IsMatch(text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) return n;
        // Too large for an int is still a valid positive number: it is clamped like any other.
        if (IntPattern().IsMatch(text) && text.TrimStart('0').Length > 9) return int.MaxValue;
        throw V3Exception.BadRequest("The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number");
    }

    private static IReadOnlyList<V3Sort> ParseSort(string text, IReadOnlyCollection<string> sortable) =>
    [
        .. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            // A literal + arrives as a space once the query is decoded, and is trimmed away: ascending either way.
            .Select(p => p.StartsWith('-') ? new V3Sort(p[1..], true) : new V3Sort(p.TrimStart('+'), false))
            .Where(s => sortable.Contains(s.Attribute))
            .DistinctBy(s => s.Attribute),
    ];

    /// ISO 8601 date or date-time; decoded once more like the reference, so an offset's + must be sent as %2B.
    public static DateTimeOffset? ParseUpdatedSince(string raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        string text;
        try { text = Uri.UnescapeDataString(raw).Trim(); }
        catch (UriFormatException) { text = raw; }
        if (Iso8601().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            return at;
        throw V3Exception.BadRequest("The filter '#/updated_since' must be a valid ISO 8601 date");
    }

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$")]
    private static partial Regex Iso8601();
}

/// <summary>
/// An opaque keyset position: the sort it was made under and the last row's sort values and id. Paging
/// with it is a range scan on the sort index, as fast on page 10,000 as on page 1.
/// </summary>
public sealed record V3Cursor(IReadOnlyList<V3Sort> Sort, IReadOnlyList<object> Values, Guid Id)
{
    private sealed record Wire(
        [property: JsonPropertyName("s")] string Sort,
        [property: JsonPropertyName("v")] string[] Values,
        [property: JsonPropertyName("i")] Guid Id);

    public string Encode()
    {
        var wire = new Wire(string.Join(',', Sort.Select(s => (s.Descending ? "-" : "") + s.Attribute)), [.. Values.Select(EncodeValue)], Id);
        return Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(wire)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static V3Cursor Decode(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            var wire = JsonSerializer.Deserialize<Wire>(Convert.FromBase64String(base64))!;
            var sort = wire.Sort.Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.StartsWith('-') ? new V3Sort(p[1..], true) : new V3Sort(p, false)).ToList();
            if (sort.Count != wire.Values.Length) throw new FormatException();
            return new V3Cursor(sort, [.. wire.Values.Select(DecodeValue)], wire.Id);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or NullReferenceException or OverflowException)
        {
            throw V3Exception.BadRequest("The '#/page[cursor]' parameter value is not a cursor this API gave out");
        }
    }

    private static string EncodeValue(object value) => value switch
    {
        DateTime t => "t" + new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).UtcTicks.ToString(CultureInfo.InvariantCulture),
        DateTimeOffset t => "t" + t.UtcTicks.ToString(CultureInfo.InvariantCulture),
        DateOnly d => "d" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        int i => "i" + i.ToString(CultureInfo.InvariantCulture),
        long l => "l" + l.ToString(CultureInfo.InvariantCulture),
        Guid g => "g" + g,
        string s => "s" + s,
        _ => throw new InvalidOperationException($"A v3 sort column of type {value.GetType().Name} cannot go in a cursor"),
    };

    private static object DecodeValue(string text) => text[0] switch
    {
        't' => new DateTimeOffset(long.Parse(text[1..], CultureInfo.InvariantCulture), TimeSpan.Zero),
        'd' => DateOnly.ParseExact(text[1..], "yyyy-MM-dd", CultureInfo.InvariantCulture),
        'i' => int.Parse(text[1..], CultureInfo.InvariantCulture),
        'l' => long.Parse(text[1..], CultureInfo.InvariantCulture),
        'g' => Guid.Parse(text[1..]),
        's' => text[1..],
        _ => throw new FormatException(),
    };
}

/// <summary>
/// Builds one v3 list query: the caller's SELECT … FROM … and conditions, then the sort (with the id as the
/// last tie-breaker), page or cursor, and LIMIT. Rows come back with the cursor of the next page when the
/// page is full. Parameters are positional ($1, $2, …): add them with <see cref="Param"/>.
/// </summary>
/// <param name="columns">The columns the reader maps, by ordinal from 0.</param>
/// <param name="from">The FROM clause (table and alias, joins).</param>
/// <param name="idColumn">The unique id the order ends with, e.g. "p.partnership_id".</param>
/// <param name="sortColumns">Sortable attribute → SQL expression; must include the default sort attribute.</param>
/// <param name="defaultSort">The order when `sort` names nothing usable (rect-api-v3 §1.4: created_at ascending).</param>
public sealed class V3Query(string columns, string from, string idColumn, IReadOnlyDictionary<string, string> sortColumns, string defaultSort = "created_at")
{
    private readonly List<object?> _parameters = [];
    private readonly List<string> _conditions = [];
    private string _from = from;
    private string? _keysFirstJoin;
    private string? _sinceColumn;

    /// <summary>
    /// Up to this many rows updated since, the keys-first stage sorts them alone; beyond, it walks the sort
    /// order's index and filters, where matches are dense enough to fill a page quickly. See <see cref="ReadAsync"/>.
    /// </summary>
    public int FewSince { get; init; } = 10_000;

    public IReadOnlyCollection<string> Sortable => [.. sortColumns.Keys];

    /// Adds a parameter and returns its placeholder.
    public string Param(object? value)
    {
        _parameters.Add(value);
        return "$" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
    }

    /// Appends to the FROM clause (a join, a LATERAL of computed columns).
    public V3Query AppendFrom(string join)
    {
        _from += " " + join;
        return this;
    }

    public V3Query Where(string condition)
    {
        _conditions.Add(condition);
        return this;
    }

    /// <summary>
    /// Sorts and pages the keys alone, then joins back for the columns of the page's rows only: with indexes
    /// that cover the keys and filters, the sort and any OFFSET run over index entries, not over every wide
    /// row they pass. <paramref name="join"/> is "JOIN table alias ON …" in terms of k.v3_key_id (and
    /// k.v3_key_0…), bringing the alias the columns name back into scope.
    /// </summary>
    public V3Query KeysFirst(string join)
    {
        _keysFirstJoin = join;
        return this;
    }

    /// filter[updated_since] on the given column (`>=`).
    public V3Query UpdatedSince(V3ListRequest list, string column)
    {
        if (list.UpdatedSince is not { } since) return this;
        _sinceColumn = column;
        return Where($"{column} >= {Param(since)}");
    }

    public async Task<V3Page<T>> ReadAsync<T>(NpgsqlDataSource db, V3ListRequest list, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        var sort = list.Sort.Count > 0 ? list.Sort : [new V3Sort(defaultSort, false)];
        var keys = sort.Select(s => sortColumns[s.Attribute]).ToList();
        var idDescending = sort[^1].Descending;
        var cursor = list.Cursor;

        // The sort values and id ride along at the end of each row, for the next cursor.
        var order = string.Join(", ", keys.Select((c, i) => $"{c} {(sort[i].Descending ? "DESC" : "ASC")}")) + $", {idColumn} {(idDescending ? "DESC" : "ASC")}";
        var selectKeys = string.Join(", ", keys.Select((c, i) => $"{c} AS v3_key_{i}")) + $", {idColumn} AS v3_key_id";
        var keyNames = keys.Select((_, i) => $"v3_key_{i}").ToList();
        var keyOrder = string.Join(", ", keyNames.Select((c, i) => $"{c} {(sort[i].Descending ? "DESC" : "ASC")}")) + $", v3_key_id {(idDescending ? "DESC" : "ASC")}";
        var where = _conditions.Count > 0 ? string.Join(" AND ", _conditions.Select(c => $"({c})")) : "true";
        var afterCursor = cursor is null ? "" : $" AND ({After(keys, idColumn, sort, cursor, idDescending)})";
        var limit = " LIMIT " + Param(list.PerPage) + (cursor is null && list.Page > 1 ? " OFFSET " + Param((long)(list.Page - 1) * list.PerPage) : "");

        StringBuilder sql;
        if (_keysFirstJoin is not null && _sinceColumn is not null && !keys.Contains(_sinceColumn))
        {
            // filter[updated_since] sorted by another column. The planner cannot know where in the sort order the rows
            // updated since lie: for a provider polling for recent changes they are the newest ~1%, and walking the
            // created_at index to find them passed 170,000 entries at 1M teachers (30 ms). So: when few rows match,
            // sort just those keys (an index range on the updated_at index); when many do, walk the sort order, where
            // matches are dense. One statement: each branch is gated on the count, and the other never runs.
            var few = Param(FewSince);
            var afterKeys = cursor is null ? "" : $" AND ({After(keyNames, "v3_key_id", sort, cursor, idDescending)})";
            sql = new StringBuilder(
                $"WITH v3_since AS MATERIALIZED (SELECT {selectKeys} FROM {_from} WHERE {where} LIMIT {few} + 1), " +
                "v3_since_count AS MATERIALIZED (SELECT count(*) AS n FROM v3_since) " +
                $"(SELECT * FROM v3_since WHERE (SELECT n FROM v3_since_count) <= {few}{afterKeys} ORDER BY {keyOrder}{limit}) " +
                $"UNION ALL (SELECT {selectKeys} FROM {_from} WHERE {where}{afterCursor} AND (SELECT n FROM v3_since_count) > {few} ORDER BY {order}{limit})");
        }
        else
        {
            sql = new StringBuilder("SELECT ").Append(_keysFirstJoin is null ? $"{columns}, {selectKeys}" : selectKeys)
                .Append($" FROM {_from} WHERE {where}{afterCursor} ORDER BY {order}{limit}");
        }
        if (_keysFirstJoin is not null)
        {
            var keyColumns = string.Join(", ", keyNames.Select(c => $"k.{c}")) + ", k.v3_key_id";
            var outerOrder = string.Join(", ", keyNames.Select((c, i) => $"k.{c} {(sort[i].Descending ? "DESC" : "ASC")}")) + $", k.v3_key_id {(idDescending ? "DESC" : "ASC")}";
            sql.Insert(0, $"SELECT {columns}, {keyColumns} FROM (").Append($") k {_keysFirstJoin} ORDER BY {outerOrder}");
        }

        await using var cmd = db.CreateCommand(sql.ToString());
        foreach (var p in _parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = p ?? DBNull.Value });
        var rows = new List<T>();
        object[]? lastKey = null;
        Guid lastId = default;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var keyStart = r.FieldCount - keys.Count - 1;
            rows.Add(map(r));
            lastKey = [.. Enumerable.Range(keyStart, keys.Count).Select(r.GetValue)];
            lastId = r.GetGuid(r.FieldCount - 1);
        }
        var next = rows.Count == list.PerPage && lastKey is not null ? new V3Cursor(sort, lastKey, lastId) : null;
        return new V3Page<T>(rows, next);
    }

    /// Strictly after the cursor in the sort order: a row comparison when every column runs the same way
    /// (one index range), else the expanded lexicographic form.
    private string After(IReadOnlyList<string> columns, string idColumn, IReadOnlyList<V3Sort> sort, V3Cursor cursor, bool idDescending)
    {
        if (cursor.Values.Count != columns.Count) throw V3Exception.BadRequest("The '#/page[cursor]' parameter value is not a cursor this API gave out");
        var values = cursor.Values.Select(Param).ToList();
        var id = Param(cursor.Id);
        if (sort.All(s => s.Descending == idDescending))
            return $"({string.Join(", ", columns)}, {idColumn}) {(idDescending ? "<" : ">")} ({string.Join(", ", values)}, {id})";
        var all = columns.Append(idColumn).ToList();
        var vals = values.Append(id).ToList();
        var directions = sort.Select(s => s.Descending).Append(idDescending).ToList();
        var terms = new List<string>();
        for (var i = 0; i < all.Count; i++)
        {
            var equal = Enumerable.Range(0, i).Select(j => $"{all[j]} = {vals[j]}");
            terms.Add("(" + string.Join(" AND ", equal.Append($"{all[i]} {(directions[i] ? "<" : ">")} {vals[i]}")) + ")");
        }
        return string.Join(" OR ", terms);
    }
}

/// <summary>A page of rows, and the cursor of the next one when this page is full.</summary>
public sealed record V3Page<T>(IReadOnlyList<T> Rows, V3Cursor? Next);
