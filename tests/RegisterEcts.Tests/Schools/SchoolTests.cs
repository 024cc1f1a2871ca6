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

public class when_gias_reports_an_independent_school
{
    private static School Given(params object[] events) => events.Aggregate(School.Initial, School.Evolve);

    [Fact]
    public void the_school_is_opened_as_independent()
    {
        var events = SyncGiasSchool.Decide(new(Oak, 123456, "Oak Prep", false, new(2010, 9, 1), Today, Independent: true), School.Initial);
        events.ShouldBe([new SchoolOpened(Oak, 123456, "Oak Prep", false, new(2010, 9, 1), Independent: true)]);
        Given([.. events]).Independent.ShouldBeTrue();
    }

    [Fact]
    public void becoming_independent_is_a_change_of_details()
    {
        var opened = new SchoolOpened(Oak, 123456, "Oak Primary", true, new(2010, 9, 1));
        var events = SyncGiasSchool.Decide(new(Oak, 123456, "Oak Primary", true, new(2010, 9, 1), Today, Independent: true), Given(opened));
        events.ShouldBe([new SchoolDetailsChanged(Oak, "Oak Primary", true, Today, Independent: true)]);
        SyncGiasSchool.Decide(new(Oak, 123456, "Oak Primary", true, new(2010, 9, 1), Today, Independent: true), Given([opened, .. events])).ShouldBeEmpty();
    }

    [Fact]
    public void the_gias_plan_marks_independent_types() =>
        GiasExtract.Plan(new GiasData(
            [
                new GiasSchool(123456, "Oak Prep", "Other independent school", GiasStatus.Open, null, null, "Kent", "ME1 1AA", "Primary", true),
                new GiasSchool(123457, "Elm Primary", "Community school", GiasStatus.Open, null, null, "Kent", "ME1 1AB", "Primary", false),
            ], []), new Dictionary<int, Guid>(), Guid.NewGuid, Today)
            .Commands.OfType<SyncGiasSchool>().Select(c => (c.Urn, c.Independent)).ShouldBe([(123456, true), (123457, false)]);
}
