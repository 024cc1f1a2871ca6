using RegisterEcts.EventStore;
using RegisterEcts.Shared;

namespace RegisterEcts.Schools.SchoolDirectory;

public sealed record GiasImportResult(int Commands, int EventsWritten, IReadOnlyList<GiasReview> NeedsReview, IReadOnlyList<string> Refused);

/// Runs a GIAS plan against the school streams: each command is load → Decide → append on its school.
/// Planned against the schools table, so a second run of the same files decides nothing and writes nothing.
public static class GiasImport
{
    public static async Task<GiasImportResult> RunAsync(PostgresEventStore store, GiasData data, DateOnly today, EventContext context, CancellationToken ct = default)
    {
        var known = await SchoolDirectoryQueries.KnownUrnsAsync(store.DataSource, ct);
        var plan = GiasExtract.Plan(data, known, Guid.CreateVersion7, today);
        var written = 0;
        var refused = new List<string>();
        foreach (var command in plan.Commands)
        {
            var (schoolId, decide) = command switch
            {
                SyncGiasSchool c => (c.SchoolId, (Func<School, IReadOnlyList<object>>)(s => SyncGiasSchool.Decide(c, s))),
                ChangeSchoolUrn c => (c.SchoolId, s => ChangeSchoolUrn.Decide(c, s)),
                MergeSchool c => (c.SchoolId, s => MergeSchool.Decide(c, s)),
                CloseSchool c => (c.SchoolId, s => CloseSchool.Decide(c, s)),
                _ => throw new InvalidOperationException($"The GIAS plan holds a {command.GetType().Name}, which the importer does not run."),
            };
            try
            {
                var result = await store.DecideAsync(schoolId, School.StreamType, School.Initial, School.Evolve, decide, context, ct);
                written += result.Events.Count;
            }
            catch (RuleViolation rule)
            {
                // One school's odd record must not stop the other few thousand.
                refused.Add($"{command}: {rule.Message}");
            }
        }
        return new GiasImportResult(plan.Commands.Count, written, plan.NeedsReview, refused);
    }
}
