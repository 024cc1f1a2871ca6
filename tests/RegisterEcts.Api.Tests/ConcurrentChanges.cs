using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_two_requests_change_one_teacher_at_once(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task one_wins_and_the_others_get_a_409_never_a_500()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var before = await api.EventCountAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => valley.CorrectsNameAsync(jane, $"Jane Doe {i}", on: Day(2025, 10, 1))));

        replies.ShouldAllBe(r => r.Status == HttpStatusCode.OK || r.Status == HttpStatusCode.Conflict);
        replies.Where(r => r.Status == HttpStatusCode.Conflict).ShouldAllBe(r => r.Code == "concurrent_change");
        var winners = replies.Count(r => r.Status == HttpStatusCode.OK);
        winners.ShouldBeGreaterThanOrEqualTo(1);
        // Every success wrote exactly one event, every conflict none.
        (await api.EventCountAsync()).ShouldBe(before + winners);
    }
}

public class when_sixteen_commands_hit_one_teacher_at_once(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task the_ones_that_did_not_conflict_win_the_rest_get_409_and_nothing_is_lost_or_doubled()
    {
        var westfield = await api.SchoolAsync(Westfield);
        var jane = (await westfield.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var version = await api.Store.StreamVersionAsync(jane);

        // Three kinds of command, each with its own value, so every event says which request wrote it.
        var replies = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => (i % 3) switch
        {
            0 => westfield.CorrectsNameAsync(jane, $"Jane Doe {i}", on: Day(2025, 10, 1)),
            1 => westfield.ChangesEmailAsync(jane, $"jane{i}@example.com", on: Day(2025, 10, 1)),
            _ => westfield.ChangesWorkingPatternAsync(jane, i % 2 == 0 ? "part_time" : "full_time", on: Day(2025, 10, 1)),
        }));

        replies.ShouldAllBe(r => r.Status == HttpStatusCode.OK || r.Status == HttpStatusCode.Conflict);
        replies.Where(r => r.Status == HttpStatusCode.Conflict).ShouldAllBe(r => r.Code == "concurrent_change");
        var stream = (await api.Store.ReadStreamAsync(jane)).Events.Where(e => e.Version > version).ToList();
        // Versions follow on without a gap; each event is one winner's, once.
        stream.Select(e => e.Version).ShouldBe(Enumerable.Range((int)version + 1, stream.Count).Select(v => (long)v));
        var written = stream.Select(e => e.Data switch
        {
            RegisterEcts.Teachers.TeacherNameCorrected n => n.Name,
            RegisterEcts.Teachers.TeacherEmailChanged m => m.Email,
            RegisterEcts.Teachers.EctWorkingPatternChanged w => w.WorkingPattern.ToString(),
            var other => other.GetType().Name,
        }).ToList();
        // Names and emails are one request's each, so none may appear twice. There are only two working patterns, so winners
        // can legitimately switch it back and forth; a doubled event would show as the same pattern twice in a row.
        var unique = written.Where((_, i) => stream[i].Data is not RegisterEcts.Teachers.EctWorkingPatternChanged).ToList();
        unique.Distinct().Count().ShouldBe(unique.Count);
        var patterns = stream.Select(e => e.Data).OfType<RegisterEcts.Teachers.EctWorkingPatternChanged>().Select(w => w.WorkingPattern).ToList();
        patterns.Zip(patterns.Skip(1)).ShouldAllBe(pair => pair.First != pair.Second);
        // A winner whose command changed nothing (the same working pattern again) wrote no event.
        written.Count.ShouldBeLessThanOrEqualTo(replies.Count(r => r.Status == HttpStatusCode.OK));
        written.Count.ShouldBeGreaterThanOrEqualTo(1);

        var live = await ReadTables.SnapshotAsync(api);
        await new RegisterEcts.EventStore.Projections.ProjectionRebuilder(api.Store).RebuildAsync(
            api.Store.InlineProjections.Where(p => p.Tables.Count > 0).ToList());
        ReadTables.ShouldMatch(await ReadTables.SnapshotAsync(api), live);
    }
}
