using RegisterEcts.EventStore;
using RegisterEcts.Partnerships;
using RegisterEcts.Partnerships.PartnershipList;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using RegisterEcts.Teachers.AtSchoolPeriods;

namespace RegisterEcts.Schools.SchoolDirectory;

public sealed record GiasImportResult(int Commands, int EventsWritten, IReadOnlyList<GiasReview> NeedsReview, IReadOnlyList<string> Refused);

/// Runs a GIAS plan against the school streams: each command is load → Decide → append on its school.
/// A merger or closure then reaches the school's partnerships and teachers, each on its own stream
/// (rect-domain §2.4). Planned against the schools table, so a second run of the same files decides
/// nothing and writes nothing; the follow-ups run on every import that carries the merger or closure,
/// so one interrupted half-way is finished the next day.
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
                written += command switch
                {
                    MergeSchool c => await MoveToSuccessorAsync(store, c, context, refused, ct),
                    CloseSchool c => await ClosePeriodsAsync(store, c, context, refused, ct),
                    _ => 0,
                };
            }
            catch (RuleViolation rule)
            {
                // One school's odd record must not stop the other few thousand.
                refused.Add($"{command}: {rule.Message}");
            }
        }
        return new GiasImportResult(plan.Commands.Count, written, plan.NeedsReview, refused);
    }

    private static async Task<int> MoveToSuccessorAsync(PostgresEventStore store, MergeSchool merge, EventContext context, List<string> refused, CancellationToken ct)
    {
        var written = 0;
        var recreated = new Dictionary<Guid, Guid>();
        var successors = await PartnershipListProjection.ForSchoolAsync(store.DataSource, merge.IntoSchoolId, ct);
        foreach (var partnership in await PartnershipListProjection.ForSchoolAsync(store.DataSource, merge.SchoolId, ct))
        {
            // Re-created on an earlier run, or the successor's own: either way training follows it.
            if (successors.FirstOrDefault(p => p.LeadProviderId == partnership.LeadProviderId && p.ContractPeriodYear == partnership.ContractPeriodYear) is { } existing)
            {
                recreated[partnership.PartnershipId] = existing.PartnershipId;
                continue;
            }
            var command = new RecreateSchoolPartnership(Guid.CreateVersion7(), partnership, merge.IntoSchoolId, merge.MergedOn);
            var result = await store.DecideAsync(command.PartnershipId, SchoolPartnership.StreamType, SchoolPartnership.Initial, SchoolPartnership.Evolve,
                state => RecreateSchoolPartnership.Decide(command, state, successors), context, ct);
            written += result.Events.Count;
            recreated[partnership.PartnershipId] = command.PartnershipId;
        }
        foreach (var teacherId in await AtSchoolPeriodsProjection.TeacherIdsAtSchoolAsync(store.DataSource, merge.SchoolId, ct))
        {
            var move = new MoveSchoolPeriods(teacherId, merge.SchoolId, merge.IntoSchoolId, merge.MergedOn, recreated);
            written += await DecideTeacherAsync(store, teacherId, state => [new StreamEvents(teacherId, MoveSchoolPeriods.Decide(move, state))], move, context, refused, ct);
        }
        return written;
    }

    private static async Task<int> ClosePeriodsAsync(PostgresEventStore store, CloseSchool close, EventContext context, List<string> refused, CancellationToken ct)
    {
        var written = 0;
        foreach (var teacherId in await AtSchoolPeriodsProjection.TeacherIdsAtSchoolAsync(store.DataSource, close.SchoolId, ct))
        {
            var command = new CloseSchoolPeriods(teacherId, close.SchoolId, close.ClosedOn);
            written += await DecideTeacherAsync(store, teacherId, state => CloseSchoolPeriods.Decide(command, state), command, context, refused, ct);
        }
        return written;
    }

    /// Load → Decide → append at the version read. Mirror events on other teachers' streams (a mentor's
    /// side of a mentorship) append at any version, as the API's teacher commands do.
    private static async Task<int> DecideTeacherAsync(
        PostgresEventStore store, Guid teacherId, Func<Teacher, IReadOnlyList<StreamEvents>> decide, object command, EventContext context, List<string> refused, CancellationToken ct)
    {
        var slice = await store.ReadStreamAsync(teacherId, ct: ct);
        var state = slice.Events.Aggregate(Teacher.Initial, (s, e) => Teacher.Evolve(s, e.Data));
        try
        {
            var streams = decide(state).Where(s => s.Events.Count > 0).ToList();
            if (streams.Count == 0) return 0;
            await store.AppendAsync(streams.Select(s => new StreamAppend(s.StreamId, Teacher.StreamType,
                s.StreamId == teacherId ? ExpectedVersion.Exactly(slice.Version) : ExpectedVersion.Any, s.Events)).ToList(), context, ct);
            return streams.Sum(s => s.Events.Count);
        }
        catch (RuleViolation rule)
        {
            refused.Add($"{command}: {rule.Message}");
            return 0;
        }
    }
}
