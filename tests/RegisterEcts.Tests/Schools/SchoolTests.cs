using RegisterEcts.Schools;
using RegisterEcts.Shared;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

public class when_gias_reports_a_school
{
    private static School Given(params object[] events) => events.Aggregate(School.Initial, School.Evolve);

    private static readonly SchoolOpened Opened = new(Oak, 123456, "Oak Primary", true, new(2010, 9, 1));

    [Fact]
    public void a_new_school_is_opened() =>
        SyncGiasSchool.Decide(new(Oak, 123456, "Oak Primary", true, new(2010, 9, 1), Today), School.Initial).ShouldBe([Opened]);

    [Fact]
    public void the_same_facts_again_record_nothing() =>
        SyncGiasSchool.Decide(new(Oak, 123456, "Oak Primary", true, new(2010, 9, 1), Today), Given(Opened)).ShouldBeEmpty();

    [Fact]
    public void a_new_name_is_recorded() =>
        SyncGiasSchool.Decide(new(Oak, 123456, "Oak Academy", true, new(2010, 9, 1), Today), Given(Opened))
            .ShouldBe([new SchoolDetailsChanged(Oak, "Oak Academy", true, Today)]);

    [Fact]
    public void academisation_keeps_the_school_and_changes_its_urn()
    {
        var events = ChangeSchoolUrn.Decide(new(Oak, 654321, new(2025, 8, 31)), Given(Opened));
        events.ShouldBe([new SchoolUrnChanged(Oak, 123456, 654321, new(2025, 8, 31))]);
        var school = Given([Opened, .. events]);
        school.Id.ShouldBe(Oak);
        school.Urn.ShouldBe(654321);
        school.PreviousUrns.ShouldBe([123456]);
        ChangeSchoolUrn.Decide(new(Oak, 654321, new(2025, 8, 31)), school).ShouldBeEmpty();
    }

    [Fact]
    public void a_merge_is_recorded_once()
    {
        var merged = new SchoolMerged(Oak, Elm, 222222, new(2025, 8, 31));
        MergeSchool.Decide(new(Oak, Elm, 222222, new(2025, 8, 31)), Given(Opened)).ShouldBe([merged]);
        MergeSchool.Decide(new(Oak, Elm, 222222, new(2025, 8, 31)), Given(Opened, merged)).ShouldBeEmpty();
    }

    [Fact]
    public void a_closure_is_recorded_once()
    {
        var closed = new SchoolClosed(Oak, new(2025, 7, 31));
        CloseSchool.Decide(new(Oak, new(2025, 7, 31)), Given(Opened)).ShouldBe([closed]);
        CloseSchool.Decide(new(Oak, new(2025, 7, 31)), Given(Opened, closed)).ShouldBeEmpty();
    }

    [Fact]
    public void a_closed_school_cannot_be_synced_as_open() =>
        Should.Throw<RuleViolation>(() => SyncGiasSchool.Decide(new(Oak, 123456, "Oak Primary", true, new(2010, 9, 1), Today),
            Given(Opened, new SchoolClosed(Oak, new(2025, 7, 31))))).Code.ShouldBe("school_not_open");
}
