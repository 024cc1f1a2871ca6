using System.Reflection;
using Npgsql;

namespace RegisterEcts.EventStore;

/// <summary>
/// One numbered schema script. Scripts are applied once each, in name order, with the store's schema as
/// search_path; the token <c>__schema__</c> is replaced by the quoted schema name (functions need it).
/// </summary>
public sealed record Migration(string Name, string Sql)
{
    /// <summary>
    /// Every embedded resource of <paramref name="assembly"/> ending in .sql whose name starts with
    /// <paramref name="prefix"/>, ordered by file name: a feature keeps its scripts in its own folder, and
    /// the number each file name starts with (0001_…) sets the order across folders.
    /// </summary>
    public static IEnumerable<Migration> FromAssembly(Assembly assembly, string prefix, string scope) =>
        assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .OrderBy(n => n[(n.LastIndexOfAny(['/', '\\']) + 1)..], StringComparer.Ordinal)
            .ThenBy(n => n, StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return new Migration($"{scope}/{n[prefix.Length..]}", reader.ReadToEnd());
            });
}

/// <summary>Applies schema scripts idempotently; safe to run from several processes at once.</summary>
public static class SchemaMigrator
{
    public static IEnumerable<Migration> EventStoreMigrations =>
        Migration.FromAssembly(typeof(SchemaMigrator).Assembly, "Schema.", "eventstore");

    /// <summary>Creates the schema if needed and applies the scripts not applied yet. Returns the names applied.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(NpgsqlDataSource dataSource, string schema, IEnumerable<Migration> migrations, CancellationToken ct = default)
    {
        var applied = new List<string>();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Serialises concurrent migrators (two app instances starting together) on this schema.
        await Execute(conn, tx, $"SELECT pg_advisory_xact_lock(hashtextextended('rects-migrate:' || {Quote(schema)}, 0))", ct);
        await Execute(conn, tx, $"CREATE SCHEMA IF NOT EXISTS {QuoteIdent(schema)}", ct);
        await Execute(conn, tx, $"SET LOCAL search_path TO {QuoteIdent(schema)}, public", ct);
        await Execute(conn, tx, "CREATE TABLE IF NOT EXISTS es_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", ct);

        var done = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT name FROM es_migrations", conn, tx))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) done.Add(reader.GetString(0));

        foreach (var migration in migrations)
        {
            if (done.Contains(migration.Name)) continue;
            await Execute(conn, tx, migration.Sql.Replace("__schema__", QuoteIdent(schema), StringComparison.Ordinal), ct);
            await using var record = new NpgsqlCommand("INSERT INTO es_migrations (name) VALUES ($1)", conn, tx) { Parameters = { new() { Value = migration.Name } } };
            await record.ExecuteNonQueryAsync(ct);
            applied.Add(migration.Name);
        }
        await tx.CommitAsync(ct);
        return applied;
    }

    /// <summary>An identifier quoted for SQL, as the store quotes schema and table names.</summary>
    public static string QuoteIdent(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private static string Quote(string literal) => "'" + literal.Replace("'", "''") + "'";

    private static async Task Execute(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        // No timeout: on a large database a script that rewrites a table or builds an index takes minutes (a column's type
        // changed on a million teachers' rows timed out at the connection's default 30 s). Cancelling is the caller's to do.
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
