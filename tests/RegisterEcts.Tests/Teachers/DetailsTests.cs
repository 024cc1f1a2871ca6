using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Partnerships;
using RegisterEcts.Reference;
using RegisterEcts.Schools;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

public class when_a_school_changes_a_teachers_details
{
    private readonly Teacher _jane = Given(EctRegistered());

    [Fact]
    public void a_new_email_is_recorded_on_the_school_period() =>
        ChangeEmail.Decide(new(Jane, TeacherRole.Ect, Oak, "jane.doe@example.com", Today), _jane)
            .ShouldBe([new TeacherEmailChanged(Jane, TeacherRole.Ect, 1, "jane.doe@example.com", Today)]);

    [Fact]
    public void the_same_email_records_nothing() =>
        ChangeEmail.Decide(new(Jane, TeacherRole.Ect, Oak, "JANE@example.com", Today), _jane).ShouldBeEmpty();

    [Fact]
    public void a_malformed_email_is_invalid() =>
        new ChangeEmail.Validator().Validate(new ChangeEmail(Jane, TeacherRole.Ect, Oak, "not-an-email", Today)).IsValid.ShouldBeFalse();

    [Fact]
    public void the_working_pattern_changes_once() =>
        ChangeWorkingPattern.Decide(new(Jane, Oak, WorkingPattern.PartTime, Today), _jane)
            .ShouldBe([new EctWorkingPatternChanged(Jane, 1, WorkingPattern.PartTime, Today)]);

    [Fact]
    public void the_same_working_pattern_records_nothing() =>
        ChangeWorkingPattern.Decide(new(Jane, Oak, WorkingPattern.FullTime, Today), _jane).ShouldBeEmpty();

    [Fact]
    public void a_corrected_name_is_trimmed_and_recorded()
    {
        var events = CorrectName.Decide(new(Jane, " Jane Smith ", Today), _jane);
        events.ShouldBe([new TeacherNameCorrected(Jane, "Jane Smith", Today)]);
        CorrectName.Decide(new(Jane, "Jane Smith", Today), Then(_jane, events)).ShouldBeEmpty();
    }

    [Fact]
    public void a_name_over_70_characters_is_invalid() =>
        new CorrectName.Validator().Validate(new CorrectName(Jane, new string('a', 71), Today))
            .Errors.Select(e => e.ErrorMessage).ShouldBe(["Corrected name must be 70 characters or less"]);
}

public class when_support_merges_a_duplicate_teacher
{
    [Fact]
    public void the_duplicate_is_retired_and_the_kept_teacher_records_the_id_change()
    {
        var duplicate = Given(MentorRegistered(teacher: Sam));
        var kept = Given(EctRegistered(school: Elm));
        var streams = MergeTeachers.Decide(new(Sam, Jane, "Same person", "12345", Today), duplicate, kept);
        streams.Select(s => s.StreamId).ShouldBe([Sam, Jane]);
        streams.For(Sam).ShouldBe([new TeacherHistoryMoved(Sam, Jane, Today), new TeacherMerged(Sam, Jane, Today)]);
        streams.For(Jane)[^1].ShouldBe(new TeacherIdChanged(Jane, Sam, Today));
        var retired = Then(duplicate, streams, Sam);
        retired.MergedInto.ShouldBe(Jane);
        Should.Throw<RuleViolation>(() => ChangeWorkingPattern.Decide(new(Sam, Oak, WorkingPattern.PartTime, Today), retired)).Code.ShouldBe("teacher_merged");
        MergeTeachers.Decide(new(Sam, Jane, "Same person", null, Today), retired, kept).ShouldBeEmpty();
    }

    [Fact]
    public void a_teacher_cannot_be_merged_into_themself() =>
        Should.Throw<RuleViolation>(() => MergeTeachers.Decide(new(Jane, Jane, "x", null, Today), Given(EctRegistered()), Given(EctRegistered())))
            .Code.ShouldBe("merge_into_self");
}

public class when_a_teachers_personal_data_is_erased
{
    [Fact]
    public void the_erasure_is_recorded_once()
    {
        var jane = Given(EctRegistered());
        var events = EraseTeacherPersonalData.Decide(new(Jane, ErasureReason.RegisteredInError, Today), jane);
        events.ShouldBe([new TeacherPersonalDataErased(Jane, ErasureReason.RegisteredInError, Today)]);
        EraseTeacherPersonalData.Decide(new(Jane, ErasureReason.RegisteredInError, Today), Then(jane, events)).ShouldBeEmpty();
    }
}

public class when_support_corrects_dates
{
    private readonly Teacher _jane = Given(EctRegistered(startedOn: new(2025, 9, 1), today: new(2025, 9, 8)));

    [Fact]
    public void an_earlier_start_date_is_recorded_with_its_reason() =>
        CorrectEctStartDate.Decide(new(Jane, Oak, new(2025, 8, 28), "School typo", "ZD-1", Today), _jane, Catalogue)
            .ShouldBe([new EctStartDateCorrected(Jane, 1, new(2025, 9, 1), new(2025, 8, 28), "School typo", "ZD-1")]);

    [Fact]
    public void a_start_date_before_the_earliest_permitted_date_is_refused() =>
        Should.Throw<RuleViolation>(() => CorrectEctStartDate.Decide(new(Jane, Oak, new(2023, 1, 1), "x", null, Today), _jane, Catalogue))
            .Code.ShouldBe("start_date_too_early");

    [Fact]
    public void a_start_date_after_training_began_is_refused() =>
        Should.Throw<RuleViolation>(() => CorrectEctStartDate.Decide(new(Jane, Oak, new(2025, 9, 10), "x", null, Today), _jane, Catalogue))
            .Message.ShouldBe("The start date cannot be after Jane Doe's training or mentoring began on 8 September 2025");

    [Fact]
    public void an_earlier_leaving_date_trims_the_training()
    {
        var left = Then(_jane, ReportEctLeaving.Decide(new(Jane, Oak, new(2025, 12, 19), Today), _jane), Jane);
        var streams = CorrectLeavingDate.Decide(new(Jane, TeacherRole.Ect, Oak, new(2025, 11, 30), "Left earlier", null, Today), left);
        streams.For(Jane).ShouldBe(
        [
            new TrainingPeriodFinished(Jane, 2, new(2025, 11, 30)),
            new LeavingDateCorrected(Jane, TeacherRole.Ect, 1, new(2025, 12, 19), new(2025, 11, 30), "Left earlier", null),
        ]);
        Then(left, streams, Jane).EctPeriods.Single().Dates.End.ShouldBe(new DateOnly(2025, 11, 30));
    }

    [Fact]
    public void a_leaving_date_overlapping_the_next_school_is_refused()
    {
        var moved = Then(_jane, RegisterEct.Decide(NewEct(school: Elm, startedOn: new(2025, 10, 1), today: new(2025, 9, 20)), _jane, Catalogue), Jane);
        Should.Throw<RuleViolation>(() => CorrectLeavingDate.Decide(new(Jane, TeacherRole.Ect, Oak, new(2025, 10, 1), "x", null, Today), moved))
            .Message.ShouldBe("End date cannot overlap another Teacher ECT period");
    }

    [Fact]
    public void a_teacher_still_at_the_school_has_no_leaving_date_to_correct() =>
        Should.Throw<RuleViolation>(() => CorrectLeavingDate.Decide(new(Jane, TeacherRole.Ect, Oak, Today, "x", null, Today), _jane))
            .Code.ShouldBe("no_leaving_date");
}

public class when_events_are_registered_with_the_store
{
    private readonly EventTypeRegistry _registry = TeacherEvents.Register(SchoolEvents.Register(PartnershipEvents.Register(ReferenceEvents.Register(new EventTypeRegistry()))));

    [Fact]
    public void every_domain_event_has_a_stable_name()
    {
        var domain = typeof(Teacher).Assembly.GetTypes()
            .Where(t => t.Namespace is { } ns && ns.StartsWith("RegisterEcts.", StringComparison.Ordinal) && t.IsClass && t.IsSealed && !t.IsAbstract)
            .Where(t => typeof(ITeacherEvent).IsAssignableFrom(t)
                        || t.Name.EndsWith("Registered", StringComparison.Ordinal) || t.Namespace == "RegisterEcts.Schools" && t.Name.StartsWith("School", StringComparison.Ordinal) && t != typeof(School)
                        || t == typeof(SchoolPartnershipCreated) || t == typeof(SchoolPartnershipDeliveryPartnerChanged));
        domain.Where(t => !_registry.IsRegistered(t)).ShouldBeEmpty();
    }

    [Fact]
    public void names_are_snake_case() =>
        _registry.Names.ShouldAllBe(n => System.Text.RegularExpressions.Regex.IsMatch(n, "^[a-z]+(_[a-z]+)*$"));
}

public class when_an_event_is_serialised_by_the_store
{
    [Fact]
    public void it_reads_back_as_the_same_fact_in_snake_case()
    {
        var started = new TrainingPeriodStarted(Jane, 2, TeacherRole.Ect, 1, Oak, Today, null, TrainingProgramme.ProviderLed,
            new ProviderLedTraining(Ambition, 2025, "ecf-standard-september", null, null));
        var json = System.Text.Json.JsonSerializer.Serialize(started, EventTypeRegistry.JsonOptions);
        json.ShouldContain("\"programme\":\"provider_led\"");
        json.ShouldContain("\"contract_period_year\":2025");
        var back = System.Text.Json.JsonSerializer.Deserialize<TrainingPeriodStarted>(json, EventTypeRegistry.JsonOptions);
        back.ShouldBe(started with { ProviderLed = back!.ProviderLed });
        back.ProviderLed.ShouldBe(started.ProviderLed);
    }
}
