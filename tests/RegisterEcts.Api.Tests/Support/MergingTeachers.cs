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
        (await underwood.CorrectsNameAsync(duplicate, "Maria L", on: Day(2025, 10, 2))).ShouldBe(HttpStatusCode.UnprocessableEntity).Code.ShouldBe("teacher_merged");
    }

    [Fact]
    public async Task both_streams_change_in_one_append_carrying_the_reason_and_ticket()
    {
        var valley = await api.SchoolAsync(Valley);
        var kept = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var duplicate = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var support = await api.SupportAsync();

        (await support.MergesAsync(duplicate, kept, on: Day(2025, 10, 1), reason: "Same person, typo in TRN", ticket: "ZD-777")).ShouldBe(HttpStatusCode.OK);

        var merged = (await api.StreamAsync(duplicate))[^1];
        var changed = (await api.StreamAsync(kept))[^1];
        foreach (var e in new[] { merged, changed })
        {
            e.Metadata.Reason.ShouldBe("Same person, typo in TRN");
            e.Metadata.SupportTicket.ShouldBe("ZD-777");
            e.Metadata.Actor.Type.ShouldBe("support");
        }
        changed.Metadata.CorrelationId.ShouldBe(merged.Metadata.CorrelationId);
        Math.Abs(changed.Sequence - merged.Sequence).ShouldBe(1);
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
