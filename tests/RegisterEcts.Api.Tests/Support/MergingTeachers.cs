using System.Net;
using RegisterEcts.Teachers;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_support_merges_a_duplicate_teacher(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task the_kept_teacher_is_returned_and_the_duplicate_takes_no_more_changes()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var kept = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var duplicate = (await underwood.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var support = await api.SupportAsync();

        var reply = (await support.MergesAsync(duplicate, kept, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        reply.TeacherId.ShouldBe(kept);
        reply["ect_at_school_periods"].AsArray().Count.ShouldBe(1);
        (await api.StreamAsync(duplicate))[^1].Data.ShouldBe(new TeacherMerged(duplicate, kept, Day(2025, 10, 1)));
        (await api.StreamAsync(kept))[^1].Data.ShouldBe(new TeacherIdChanged(kept, duplicate, Day(2025, 10, 1)));
        var third = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await support.MergesAsync(duplicate, third, on: Day(2025, 10, 2))).ShouldBe(HttpStatusCode.UnprocessableEntity).Code.ShouldBe("teacher_merged");
    }

    [Fact]
    public async Task the_duplicates_periods_are_listed_under_the_kept_teacher()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var keptTrn = Trns.Next();
        var kept = (await valley.RegistersEctAsync(keptTrn, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var duplicate = (await underwood.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;

        var reply = (await (await api.SupportAsync()).MergesAsync(duplicate, kept, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        // The kept teacher's own periods hold ids 1 and 2 (ECT period and its training); the mentor period follows on.
        var moved = reply["mentor_at_school_periods"].AsArray().Single()!;
        moved["id"]!.GetValue<int>().ShouldBe(3);
        moved["started_on"]!.GetValue<string>().ShouldBe("2025-09-01");
        (await underwood.PeriodsOfAsync(duplicate, "mentors")).ShouldBeEmpty();
        var row = (await underwood.PeriodsOfAsync(kept, "mentors")).Single();
        row["period_id"]!.GetValue<int>().ShouldBe(3);
        row["trn"]!.GetValue<string>().ShouldBe(keptTrn);
        (await valley.PeriodsOfAsync(kept)).Count.ShouldBe(1);
        // Read back from the store: the moved period's email was sealed with the kept teacher's key and opens with it.
        var history = (await api.StreamAsync(kept)).Select(e => e.Data).OfType<TeacherHistoryMerged>().Single();
        history.Emails!.Keys.ShouldBe([3]);
        history.Emails[3].ShouldBe(row["email"]!.GetValue<string>());
        // The school now works with the kept record.
        (await underwood.CorrectsNameAsync(kept, "Maria Lopez-Smith", on: Day(2025, 10, 2))).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task erasing_the_kept_teacher_erases_the_moved_emails_too()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var kept = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var duplicate = (await underwood.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var support = await api.SupportAsync();
        (await support.MergesAsync(duplicate, kept, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        (await support.ErasesAsync(kept, on: Day(2025, 10, 2))).ShouldBe(HttpStatusCode.OK);

        (await api.StreamAsync(kept)).Select(e => e.Data).OfType<TeacherHistoryMerged>().Single().Emails.ShouldBeNull();
        (await underwood.PeriodsOfAsync(kept, "mentors")).Single()["email"].ShouldBeNull();
    }

    [Fact]
    public async Task overlapping_ect_periods_are_a_422_and_nothing_is_written()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var kept = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var duplicate = (await underwood.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var before = await api.EventCountAsync();

        (await (await api.SupportAsync()).MergesAsync(duplicate, kept, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.UnprocessableEntity).Code.ShouldBe("ect_periods_overlap");

        (await api.EventCountAsync()).ShouldBe(before);
        (await underwood.PeriodsOfAsync(duplicate)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task both_streams_change_in_one_append_carrying_the_reason_and_ticket()
    {
        var valley = await api.SchoolAsync(Valley);
        var kept = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var duplicate = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var support = await api.SupportAsync();

        (await support.MergesAsync(duplicate, kept, on: Day(2025, 10, 1), reason: "Same person, typo in TRN", ticket: "ZD-777")).ShouldBe(HttpStatusCode.OK);

        // The duplicate records its history moved and its retirement; the kept teacher the history merged in and the id change.
        var merged = (await api.StreamAsync(duplicate)).TakeLast(2).ToList();
        var changed = (await api.StreamAsync(kept)).TakeLast(2).ToList();
        merged.Select(e => e.Data.GetType()).ShouldBe([typeof(TeacherHistoryMoved), typeof(TeacherMerged)]);
        changed.Select(e => e.Data.GetType()).ShouldBe([typeof(TeacherHistoryMerged), typeof(TeacherIdChanged)]);
        var all = merged.Concat(changed).OrderBy(e => e.Sequence).ToList();
        foreach (var e in all)
        {
            e.Metadata.Reason.ShouldBe("Same person, typo in TRN");
            e.Metadata.SupportTicket.ShouldBe("ZD-777");
            e.Metadata.Actor.Type.ShouldBe("support");
            e.Metadata.CorrelationId.ShouldBe(all[0].Metadata.CorrelationId);
        }
        (all[^1].Sequence - all[0].Sequence).ShouldBe(3);
    }

    [Fact]
    public async Task a_teacher_merged_into_themself_is_a_422_and_nothing_is_written()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var before = await api.EventCountAsync();

        (await (await api.SupportAsync()).MergesAsync(jane, jane, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.UnprocessableEntity).Code.ShouldBe("merge_into_self");

        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task merging_into_an_unknown_teacher_is_a_404_and_nothing_is_written()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var before = await api.EventCountAsync();

        (await (await api.SupportAsync()).MergesAsync(jane, Guid.CreateVersion7(), on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.NotFound).Code.ShouldBe("teacher_not_found");

        (await api.EventCountAsync()).ShouldBe(before);
    }
}
