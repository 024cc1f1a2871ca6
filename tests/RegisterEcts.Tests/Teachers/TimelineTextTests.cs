using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using RegisterEcts.Teachers.Timeline;

namespace RegisterEcts.Tests;

public class the_timeline_wording
{
    private static readonly Guid Jane = Guid.Parse("0193a000-0000-7000-8000-00000000000a");
    private static readonly Guid Maria = Guid.Parse("0193a000-0000-7000-8000-00000000000b");
    private static readonly Guid Oak = Guid.Parse("0193a000-0000-7000-8000-000000000101");
    private static readonly Guid Elm = Guid.Parse("0193a000-0000-7000-8000-000000000102");
    private static readonly Guid Ambition = Guid.Parse("0193a000-0000-7000-8000-000000000201");
    private static readonly Guid TeachFirst = Guid.Parse("0193a000-0000-7000-8000-000000000202");
    private static readonly Guid Solent = Guid.Parse("0193a000-0000-7000-8000-000000000301");
    private static readonly Guid Kingfisher = Guid.Parse("0193a000-0000-7000-8000-000000000401");

    private static readonly Dictionary<Guid, string> Names = new()
    {
        [Oak] = "Oak Academy (URN 100001)", [Elm] = "Elm School (URN 100002)", [Ambition] = "Ambition Institute", [TeachFirst] = "Teach First",
        [Solent] = "Solent Teaching Alliance", [Kingfisher] = "Kingfisher Teaching School Hub",
    };

    private static string? NameOf(Guid id) => Names.GetValueOrDefault(id);

    private static readonly DateOnly September = new(2025, 9, 1);

    // Jane at Oak since September, full time, training with Ambition, mentored by Maria, her induction claimed by Kingfisher.
    private static Teacher JaneAtOak() => new[]
    {
        (object)new TeacherRegisteredAsEct(Jane, "1234567", "Jane Doe", "jane@oak.example", 1, Oak, September, WorkingPattern.FullTime, Kingfisher),
        new TrainingPeriodStarted(Jane, 2, TeacherRole.Ect, 1, Oak, September, null, TrainingProgramme.ProviderLed,
            new ProviderLedTraining(Ambition, 2025, "ecf-standard-september", Guid.NewGuid(), Solent)),
        new MentorshipStarted(Jane, 3, 1, Maria, 1, September, null),
        new InductionPeriodOpened(Jane, 4, Kingfisher, September, TrainingProgramme.ProviderLed),
    }.Aggregate(Teacher.Initial, Teacher.Evolve);

    private static TimelineEntry Describe(object e, Teacher? before = null) => TimelineText.Describe(e, before ?? JaneAtOak(), NameOf)!;

    private static string Token(Guid id) => $"{{teacher:{id}}}";

    [Fact]
    public void render_replaces_each_teacher_token_with_the_current_name()
    {
        var heading = $"{Token(Jane)} is mentored by {Token(Maria)} from 1 September 2025";

        TimelineText.Render(heading, new Dictionary<Guid, string> { [Jane] = "Jane Doe", [Maria] = "Maria Lopez" })
            .ShouldBe("Jane Doe is mentored by Maria Lopez from 1 September 2025");
    }

    [Fact]
    public void render_names_a_teacher_it_does_not_know_unknown()
    {
        TimelineText.Render($"{Token(Jane)} is mentored by {Token(Maria)}", new Dictionary<Guid, string> { [Jane] = "Jane Doe" })
            .ShouldBe("Jane Doe is mentored by Unknown");
    }

    [Fact]
    public void render_leaves_a_heading_without_tokens_as_it_is()
    {
        TimelineText.Render("Lead provider changed from Ambition Institute to Teach First", new Dictionary<Guid, string>())
            .ShouldBe("Lead provider changed from Ambition Institute to Teach First");
    }

    [Fact]
    public void the_teachers_a_heading_names_are_listed_once_each()
    {
        TimelineText.TeachersIn($"{Token(Jane)} is mentored by {Token(Maria)}; {Token(Jane)}").ShouldBe([Jane, Maria]);
    }

    [Fact]
    public void dates_read_as_day_month_year()
    {
        TimelineText.Date(new DateOnly(2026, 3, 1)).ShouldBe("1 March 2026");
    }

    [Fact]
    public void an_ect_registration_names_the_school_with_its_urn_and_keeps_name_and_email_apart()
    {
        var entry = Describe(new TeacherRegisteredAsEct(Jane, "1234567", "Jane Doe", "jane@oak.example", 1, Oak, September, WorkingPattern.FullTime, Kingfisher),
            Teacher.Initial);

        entry.Heading.ShouldBe($"{Token(Jane)} was registered as an ECT at Oak Academy (URN 100001) starting 1 September 2025");
        entry.HappenedOn.ShouldBe(September);
        entry.Changes.ShouldBe(["TRN set to '1234567'", "Working pattern set to 'full time'", "Appropriate body set to 'Kingfisher Teaching School Hub'"]);
        entry.PersonalChanges.ShouldBe(["Name set to 'Jane Doe'", "Email address set to 'jane@oak.example'"]);
        string.Join(" ", entry.Changes.Append(entry.Heading)).ShouldNotContain("Jane Doe");
    }

    [Fact]
    public void a_gias_merger_moves_the_teacher_between_named_schools()
    {
        var entry = Describe(new EctAtSchoolPeriodMovedSchool(Jane, 1, Oak, Elm, new DateOnly(2026, 3, 1)));

        entry.Heading.ShouldBe($"{Token(Jane)} moved from Oak Academy (URN 100001) to Elm School (URN 100002) on 1 March 2026");
        entry.Changes.ShouldBe(["School changed from 'Oak Academy (URN 100001)' to 'Elm School (URN 100002)'"]);
    }

    [Fact]
    public void a_lead_provider_change_names_both_providers_and_the_day_it_takes_effect()
    {
        var entry = Describe(new TrainingLeadProviderChanged(Jane, TeacherRole.Ect, Ambition, TeachFirst, new DateOnly(2026, 1, 1)));

        entry.Heading.ShouldBe("Lead provider changed from Ambition Institute to Teach First from 1 January 2026");
        entry.Changes.ShouldBe(["Lead provider changed from 'Ambition Institute' to 'Teach First'"]);
        entry.HappenedOn.ShouldBe(new DateOnly(2026, 1, 1));
    }

    [Fact]
    public void a_mentorship_reads_the_same_on_the_mentee_and_the_mentor()
    {
        var onMentee = Describe(new MentorshipStarted(Jane, 3, 1, Maria, 1, September, null));
        var onMentor = Describe(new MentoringStarted(Maria, Jane, 3, 1, September, null), Teacher.Initial);

        onMentee.Heading.ShouldBe($"{Token(Jane)} is mentored by {Token(Maria)} from 1 September 2025");
        onMentor.Heading.ShouldBe(onMentee.Heading);
    }

    [Fact]
    public void a_finished_mentorship_names_the_mentor_from_the_history()
    {
        Describe(new MentorshipFinished(Jane, 3, new DateOnly(2026, 7, 20))).Heading
            .ShouldBe($"{Token(Jane)} stopped being mentored by {Token(Maria)} on 20 July 2026");
    }

    [Fact]
    public void a_deferral_names_the_training_it_ends_and_why()
    {
        var entry = Describe(new TrainingPeriodDeferred(Jane, 2, DeferralReason.LongTermSickness, new DateOnly(2026, 2, 2)));

        entry.Heading.ShouldBe($"{Token(Jane)}'s training with Ambition Institute was deferred on 2 February 2026 (long-term sickness)");
        entry.Reason.ShouldBe("long-term sickness");
    }

    [Fact]
    public void a_withdrawal_says_why()
    {
        Describe(new TrainingPeriodWithdrawn(Jane, 2, WithdrawalReason.LeftTeachingProfession, new DateOnly(2026, 2, 2))).Heading
            .ShouldBe($"{Token(Jane)}'s training with Ambition Institute was withdrawn on 2 February 2026 (left the teaching profession)");
    }

    [Fact]
    public void provider_led_training_names_the_lead_provider_and_delivery_partner()
    {
        var entry = Describe(new TrainingPeriodStarted(Jane, 2, TeacherRole.Ect, 1, Oak, September, null, TrainingProgramme.ProviderLed,
            new ProviderLedTraining(Ambition, 2025, "ecf-standard-september", null, null)), Teacher.Initial);

        entry.Heading.ShouldBe($"{Token(Jane)} started provider-led training with Ambition Institute (not yet confirmed by the lead provider) at Oak Academy (URN 100001) from 1 September 2025");
        entry.Changes.ShouldBe(["Training programme set to 'provider-led'", "Lead provider set to 'Ambition Institute'", "Cohort set to '2025'", "Schedule set to 'ecf-standard-september'"]);
    }

    [Fact]
    public void a_working_pattern_change_shows_the_pattern_before_and_after()
    {
        var entry = Describe(new EctWorkingPatternChanged(Jane, 1, WorkingPattern.PartTime, new DateOnly(2026, 1, 5)));

        entry.Heading.ShouldBe($"{Token(Jane)}'s working pattern changed to part time from 5 January 2026");
        entry.Changes.ShouldBe(["Working pattern changed from 'full time' to 'part time'"]);
    }

    [Fact]
    public void an_email_change_is_personal_and_shows_the_old_address()
    {
        var entry = Describe(new TeacherEmailChanged(Jane, TeacherRole.Ect, 1, "jane.doe@oak.example", new DateOnly(2025, 10, 1)));

        entry.Heading.ShouldBe($"{Token(Jane)}'s email address at Oak Academy (URN 100001) was changed");
        entry.Changes.ShouldBeEmpty();
        entry.PersonalChanges.ShouldBe(["Email address changed from 'jane@oak.example' to 'jane.doe@oak.example'"]);
    }

    [Fact]
    public void a_name_correction_keeps_both_names_out_of_the_heading()
    {
        var entry = Describe(new TeacherNameCorrected(Jane, "Jane Smith", new DateOnly(2025, 10, 1)));

        entry.Heading.ShouldBe($"{Token(Jane)}'s name was corrected");
        entry.PersonalChanges.ShouldBe(["Name changed from 'Jane Doe' to 'Jane Smith'"]);
    }

    [Fact]
    public void induction_outcomes_name_the_appropriate_body_that_claimed_it()
    {
        var passed = Describe(new InductionOutcomeRecorded(Jane, 4, InductionOutcome.Pass, new DateOnly(2026, 7, 17), 3, null));
        var released = Describe(new InductionPeriodClosed(Jane, 4, new DateOnly(2026, 3, 31), 1.5m));

        passed.Heading.ShouldBe($"{Token(Jane)} passed induction on 17 July 2026, recorded by Kingfisher Teaching School Hub after 3 terms");
        released.Heading.ShouldBe($"Kingfisher Teaching School Hub released {Token(Jane)} from induction on 31 March 2026 after 1.5 terms");
    }

    [Fact]
    public void a_claim_and_an_extension_name_the_appropriate_body()
    {
        Describe(new InductionPeriodOpened(Jane, 4, Kingfisher, September, TrainingProgramme.ProviderLed), Teacher.Initial).Heading
            .ShouldBe($"Kingfisher Teaching School Hub claimed {Token(Jane)}'s induction, starting 1 September 2025");
        Describe(new InductionExtensionAdded(Jane, 5, Kingfisher, 1, new DateOnly(2026, 3, 1))).Heading
            .ShouldBe($"Kingfisher Teaching School Hub extended {Token(Jane)}'s induction by 1 term on 1 March 2026");
    }

    [Fact]
    public void a_correction_carries_its_reason_and_ticket_and_both_dates()
    {
        var entry = Describe(new EctStartDateCorrected(Jane, 1, September, new DateOnly(2025, 9, 8), "Wrong date entered", "ZD-1"));

        entry.Heading.ShouldBe($"{Token(Jane)}'s ECT start date at Oak Academy (URN 100001) was corrected from 1 September 2025 to 8 September 2025");
        entry.Changes.ShouldBe(["Start date changed from '1 September 2025' to '8 September 2025'"]);
        (entry.Reason, entry.SupportTicket).ShouldBe(("Wrong date entered", "ZD-1"));
    }

    [Fact]
    public void a_merge_names_both_records()
    {
        Describe(new TeacherMerged(Maria, Jane, new DateOnly(2025, 10, 1)), Teacher.Initial).Heading
            .ShouldBe($"{Token(Maria)} was merged into {Token(Jane)} on 1 October 2025");
    }

    [Fact]
    public void an_unknown_school_reads_as_unknown_rather_than_an_id()
    {
        var nowhere = Guid.NewGuid();

        Describe(new TeacherLeftSchoolAsEct(Jane, 1, nowhere, new DateOnly(2026, 7, 31))).Heading
            .ShouldBe($"{Token(Jane)} left an unknown school as an ECT on 31 July 2026");
    }

    [Fact]
    public void erasure_replaces_the_personal_changes()
    {
        var entry = Describe(new TeacherPersonalDataErased(Jane, ErasureReason.RightToErasure, new DateOnly(2025, 10, 1)));

        entry.Heading.ShouldBe($"{Token(Jane)}'s personal data was erased (right to erasure)");
        entry.PersonalChanges.ShouldBe([PersonalData.Erased]);
    }

    public static TheoryData<string> TeacherEventTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in TeacherEventClasses()) data.Add(type.Name);
        return data;
    }

    private static IReadOnlyList<Type> TeacherEventClasses() => typeof(ITeacherEvent).Assembly.GetTypes()
        .Where(t => typeof(ITeacherEvent).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false }).OrderBy(t => t.Name).ToList();

    [Fact]
    public void every_registered_teacher_event_type_is_a_teacher_event_the_timeline_knows()
    {
        var registry = TeacherEvents.Register(new EventTypeRegistry());

        TeacherEventClasses().ShouldAllBe(t => registry.IsRegistered(t));
        registry.Names.Count.ShouldBe(TeacherEventClasses().Count);
    }

    [Theory]
    [MemberData(nameof(TeacherEventTypes))]
    public void every_teacher_event_type_has_a_heading_that_shows_no_ids(string typeName)
    {
        var type = TeacherEventClasses().Single(t => t.Name == typeName);
        var sample = Sample(type);

        var entry = TimelineText.Describe(sample, JaneAtOak(), NameOf);

        entry.ShouldNotBeNull($"{typeName} has no timeline wording");
        entry.Heading.ShouldNotBeNullOrWhiteSpace();
        entry.HappenedOn.ShouldBe(September);
        // Teachers appear as tokens only; once rendered no id is left for a reader to decipher.
        TimelineText.Render(entry.Heading, new Dictionary<Guid, string> { [Jane] = "Jane Doe" }).ShouldNotContain(Jane.ToString());
    }

    // An instance with plausible values for every constructor parameter, so a new event type is worded before it ships.
    private static object Sample(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return ctor.Invoke(ctor.GetParameters().Select(p => Value(p.ParameterType)).ToArray());
    }

    private static object? Value(Type type)
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        if (inner == typeof(Guid)) return Jane;
        if (inner == typeof(string)) return "sample";
        if (inner == typeof(DateOnly)) return September;
        if (inner == typeof(int)) return 1;
        if (inner == typeof(decimal)) return 1m;
        if (inner == typeof(bool)) return false;
        if (inner.IsEnum) return Enum.GetValues(inner).GetValue(0);
        if (inner == typeof(ProviderLedTraining)) return new ProviderLedTraining(Ambition, 2025, "ecf-standard-september", null, Solent);
        if (inner.IsGenericType && inner.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            return Array.CreateInstance(inner.GetGenericArguments()[0], 0);
        if (inner.IsGenericType && inner.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
            return Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(inner.GetGenericArguments()));
        throw new InvalidOperationException($"No sample value for {type}: teach the test one.");
    }
}
