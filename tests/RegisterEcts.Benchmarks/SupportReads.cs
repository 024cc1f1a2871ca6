using System.Diagnostics;
using RegisterEcts.Api.Reference;
using RegisterEcts.Api.Support.History;
using RegisterEcts.EventStore;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.Benchmarks;

/// <summary>
/// Support reads on the careers data set: a teacher with 50 events, read back the way the support API does it
/// (the same TeacherHistory the endpoints call, without HTTP): the timeline, and the state as of a date as
/// known at a time (replay of the stream with each provider's document rebuilt).
/// </summary>
public static class SupportReads
{
    public static async Task<(Percentiles Timeline, Percentiles State)> RunAsync(PostgresEventStore store, int samples)
    {
        // The busiest seeded ECT, topped up to 50 events with email changes through the real command.
        await using var cmd = store.DataSource.CreateCommand(
            """
            SELECT e.stream_id, max(e.version) FROM es_events e JOIN es_streams s ON s.id = e.stream_id
            WHERE s.type = 'teacher' AND EXISTS (SELECT 1 FROM ect_at_school_periods p WHERE p.teacher_id = e.stream_id AND upper_inf(p.dates))
            GROUP BY e.stream_id ORDER BY max(e.version) DESC LIMIT 1
            """);
        Guid teacherId;
        long version;
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            (teacherId, version) = (reader.GetGuid(0), reader.GetInt64(1));
        }
        var context = new EventContext(Actor.System("benchmark"));
        for (var i = (int)version; i < 50; i++)
        {
            var slice = await store.ReadStreamAsync(teacherId);
            var teacher = slice.Events.Aggregate(Teacher.Initial, (s, e) => Teacher.Evolve(s, e.Data));
            var period = teacher.EctPeriods.Single(p => p.Dates.IsOpen);
            var events = ChangeEmail.Decide(new ChangeEmail(teacherId, TeacherRole.Ect, period.SchoolId, $"support{i}@example.com", period.Dates.Start), teacher);
            await store.AppendAsync(teacherId, Teacher.StreamType, ExpectedVersion.Exactly(slice.Version), events, context);
        }

        var history = new TeacherHistory(store, new ReferenceCache(store), TimeProvider.System);
        var knownAt = DateTimeOffset.UtcNow;
        var asOf = new DateOnly(2025, 1, 15);
        for (var i = 0; i < 50; i++)
        {
            await history.TimelineAsync(teacherId, CancellationToken.None);
            await history.StateAsync(teacherId, asOf, knownAt, CancellationToken.None);
        }
        var timeline = new List<double>();
        var state = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var watch = Stopwatch.StartNew();
            await history.TimelineAsync(teacherId, CancellationToken.None);
            timeline.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            await history.StateAsync(teacherId, asOf.AddDays(i % 365), knownAt, CancellationToken.None);
            state.Add(watch.Elapsed.TotalMilliseconds);
        }
        return (Percentiles.Of(timeline), Percentiles.Of(state));
    }
}
