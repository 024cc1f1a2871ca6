using RegisterEcts.EventStore.Projections;

namespace RegisterEcts.EventStore.Tests;

/// <summary>
/// A rebuild analyses only the tables the planner would otherwise plan blind: statistics survive TRUNCATE, and analysing every
/// rebuilt table cost as much as loading some of them. Autovacuum is off for the table here, so every ANALYZE seen is the rebuild's.
/// </summary>
public class when_a_rebuilt_table_needs_statistics : TeacherStatusStore
{
    [Fact]
    public async Task a_first_rebuild_analyses_it_a_second_leaves_it_and_a_column_added_since_gets_it_analysed_again()
    {
        await Execute("ALTER TABLE teacher_status SET (autovacuum_enabled = false)");
        // A column no query filters on, kept out of statistics on purpose (as the timeline's headings are): never a reason to analyse.
        await Execute("ALTER TABLE teacher_status ALTER COLUMN versions SET STATISTICS 0");
        await AppendCareers(30);
        (await ColumnsWithoutStatistics()).ShouldBeGreaterThan(0);

        await new ProjectionRebuilder(Store).RebuildAsync(Projection);
        (await ColumnsWithoutStatistics()).ShouldBe(0);
        (await TimesAnalysed()).ShouldBe(1);

        await new ProjectionRebuilder(Store).RebuildAsync(Projection);
        (await TimesAnalysed()).ShouldBe(1);

        // What a new version of a projection might do: a column that has never been analysed.
        await Execute("ALTER TABLE teacher_status ADD COLUMN note text");
        await new ProjectionRebuilder(Store).RebuildAsync(Projection);
        (await ColumnsWithoutStatistics()).ShouldBe(0);
        (await TimesAnalysed()).ShouldBe(2);
    }

    private async Task Execute(string sql)
    {
        await using var cmd = Store.DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<long> ColumnsWithoutStatistics()
    {
        await using var cmd = Store.DataSource.CreateCommand(
            """
            SELECT count(*) FROM pg_attribute a
            WHERE a.attrelid = 'teacher_status'::regclass AND a.attnum > 0 AND NOT a.attisdropped AND coalesce(a.attstattarget, -1) <> 0
              AND NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'teacher_status' AND s.attname = a.attname)
            """);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<long> TimesAnalysed()
    {
        await using var cmd = Store.DataSource.CreateCommand("SELECT analyze_count FROM pg_stat_user_tables WHERE relid = 'teacher_status'::regclass");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
