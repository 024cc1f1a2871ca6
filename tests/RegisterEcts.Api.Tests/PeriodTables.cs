using System.Net;
using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using RegisterEcts.Teachers.Periods;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

/// <summary>
/// A handful of careers scripted through the real API, once, against which the period tables are read:
/// a school merged by GIAS, a lead provider change, a mentor replaced, an induction released and passed,
/// training deferred by a lead provider, two records merged, a teacher erased.
/// </summary>
public sealed class PeriodTablesWorld : ApiWithSchools
{
    public Guid Jane { get; private set; }
    public Guid Maria { get; private set; }
    public Guid Tom { get; private set; }
    public Guid Sam { get; private set; }
    public Guid Dan { get; private set; }
    public Guid Erin { get; private set; }
    public Guid Ivy { get; private set; }
    public Guid Kim { get; private set; }
    public Guid Ned { get; private set; }
    public Guid Lily { get; private set; }
    public Guid Max { get; private set; }
    public Guid OldPartnership { get; private set; }
    public Guid FakenhamId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SchoolMergedByGiasAsync();
        await LeadProviderChangeMentorsAndInductionAsync();
        await DeferredAndMergedAsync();
        await MentorMergedAsync();

        var underwood = await SchoolAsync(Underwood);
        Erin = (await underwood.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), programme: "school_led", name: "Erin Ash"))
            .ShouldBe(HttpStatusCode.Created).TeacherId;
        (await underwood.CorrectsNameAsync(Erin, "Erin Ashe", on: Day(2025, 9, 5))).ShouldBe(HttpStatusCode.OK);
        (await (await this.SupportAsync()).ErasesAsync(Erin, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);
    }

    // Lily (ECT) and Max (mentor, trained by Ambition) at Little Snoring, which GIAS merges into Fakenham Junior,
    // where Max also mentors: his two periods there become one, and his training and mentoring follow.
    private async Task SchoolMergedByGiasAsync()
    {
        await ImportGiasAsync(EarlierGias.SchoolsWithOpen(EarlierGias.LittleSnoring), EarlierGias.NoLinks, Day(2025, 6, 1));
        OldPartnership = await PartnershipAsync(EarlierGias.LittleSnoring, Ambition, 2025, Day(2025, 6, 15));
        var littleSnoring = await SchoolAsync(EarlierGias.LittleSnoring);
        var maxTrn = Trns.Next();
        Max = (await littleSnoring.RegistersMentorAsync(maxTrn, Day(2025, 6, 15), on: Day(2025, 6, 15), leadProvider: Ambition, name: "Max Bell"))
            .ShouldBe(HttpStatusCode.Created).TeacherId;
        (await (await SchoolAsync(EarlierGias.Fakenham)).RegistersMentorAsync(maxTrn, Day(2025, 7, 1), on: Day(2025, 7, 1))).ShouldBe(HttpStatusCode.Created);
        Lily = (await littleSnoring.RegistersEctAsync(Trns.Next(), Day(2025, 7, 1), on: Day(2025, 7, 1), leadProvider: Ambition, name: "Lily Pond"))
            .ShouldBe(HttpStatusCode.Created).TeacherId;
        (await littleSnoring.AssignsMentorAsync(Lily, Max, on: Day(2025, 7, 1))).ShouldBe(HttpStatusCode.OK);
        (await ImportSampleGiasAsync(Day(2025, 9, 1))).Refused.ShouldBeEmpty();
        FakenhamId = (await RegisterEcts.Schools.SchoolDirectory.SchoolDirectoryProjection.FindByUrnAsync(Store.DataSource, EarlierGias.Fakenham, CancellationToken.None))!.SchoolId;
    }

    // Jane at Westfield: confirmed Ambition training, then Teach First; mentored by Maria, then Tom; inducted by
    // Kingfisher, released, claimed by Northern Lights and passed.
    private async Task LeadProviderChangeMentorsAndInductionAsync()
    {
        await PartnershipAsync(Westfield, Ambition, 2025, Day(2025, 8, 1));
        var westfield = await SchoolAsync(Westfield);
        var trn = Trns.Next();
        Jane = (await westfield.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;
        Maria = (await westfield.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;
        Tom = (await westfield.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Tom Hill")).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await westfield.ChangesEctLeadProviderAsync(Jane, TeachFirst, on: Day(2025, 10, 6))).ShouldBe(HttpStatusCode.OK);
        (await westfield.AssignsMentorAsync(Jane, Maria, on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);
        (await westfield.AssignsMentorAsync(Jane, Tom, on: Day(2026, 1, 5))).ShouldBe(HttpStatusCode.OK);
        // No command withdraws training yet (the lead provider API will): append what it will append.
        var mariasTraining = (await Store.ReadStreamAsync(Maria)).Events.Select(e => e.Data).OfType<TrainingPeriodStarted>().Single();
        await Store.AppendAsync(Maria, Teacher.StreamType, ExpectedVersion.Any,
            [new TrainingPeriodWithdrawn(Maria, mariasTraining.TrainingPeriodId, WithdrawalReason.MentorNoLongerBeingMentor, Day(2026, 1, 9))],
            new EventContext(new Actor("lead_provider", Ambition.ToString(), "Ambition")));

        var kingfisher = await AppropriateBodyAsync(Kingfisher);
        (await kingfisher.ClaimsAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 10))).ShouldBe(HttpStatusCode.OK);
        (await kingfisher.ExtendsAsync(Jane, 1.5m, on: Day(2026, 3, 1))).ShouldBe(HttpStatusCode.OK);
        (await kingfisher.ReleasesAsync(Jane, Day(2026, 3, 31), 2, on: Day(2026, 4, 1))).ShouldBe(HttpStatusCode.OK);
        var northernLights = await AppropriateBodyAsync(NorthernLights);
        (await northernLights.ClaimsAsync(trn, Day(2026, 4, 13), on: Day(2026, 4, 14))).ShouldBe(HttpStatusCode.OK);
        (await northernLights.RecordsOutcomeAsync(Jane, "pass", Day(2026, 7, 17), 3, on: Day(2026, 7, 20))).ShouldBe(HttpStatusCode.OK);
    }

    // Sam (ECT at Valley) is deferred by his lead provider and released by Kingfisher; he turns out to be Dan,
    // a mentor at Valley, and support merges Sam into Dan.
    private async Task DeferredAndMergedAsync()
    {
        var valley = await SchoolAsync(Valley);
        var samTrn = Trns.Next();
        Sam = (await valley.RegistersEctAsync(samTrn, Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Sam Smith")).ShouldBe(HttpStatusCode.Created).TeacherId;
        Dan = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Dan Smith")).ShouldBe(HttpStatusCode.Created).TeacherId;
        var kingfisher = await AppropriateBodyAsync(Kingfisher);
        (await kingfisher.ClaimsAsync(samTrn, Day(2025, 9, 1), on: Day(2025, 9, 10))).ShouldBe(HttpStatusCode.OK);
        (await kingfisher.ExtendsAsync(Sam, 1, on: Day(2025, 11, 1))).ShouldBe(HttpStatusCode.OK);
        // No command defers training yet (the lead provider API will): append what it will append.
        var training = (await Store.ReadStreamAsync(Sam)).Events.Select(e => e.Data).OfType<TrainingPeriodStarted>().Single();
        await Store.AppendAsync(Sam, Teacher.StreamType, ExpectedVersion.Any,
            [new TrainingPeriodDeferred(Sam, training.TrainingPeriodId, DeferralReason.LongTermSickness, Day(2025, 11, 3))],
            new EventContext(new Actor("lead_provider", Ambition.ToString(), "Ambition")));
        (await kingfisher.ReleasesAsync(Sam, Day(2025, 12, 19), 1, on: Day(2025, 12, 20))).ShouldBe(HttpStatusCode.OK);
        (await (await this.SupportAsync()).MergesAsync(Sam, Dan, on: Day(2026, 1, 10))).ShouldBe(HttpStatusCode.OK);
    }

    // Ivy mentors Ned at Underwood; she is Kim's duplicate, and is merged into Kim.
    private async Task MentorMergedAsync()
    {
        var underwood = await SchoolAsync(Underwood);
        var valley = await SchoolAsync(Valley);
        Ivy = (await underwood.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Ivy Stone")).ShouldBe(HttpStatusCode.Created).TeacherId;
        Ned = (await underwood.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Ned Kelly")).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await underwood.AssignsMentorAsync(Ned, Ivy, on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);
        Kim = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Kim Stone")).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await (await this.SupportAsync()).MergesAsync(Ivy, Kim, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);
    }

    public TeacherPeriodsProjection Projection => Store.InlineProjections.OfType<TeacherPeriodsProjection>().Single();

    public async Task<Teacher> FoldAsync(Guid teacher) =>
        (await Store.ReadStreamAsync(teacher)).Events.Aggregate(Teacher.Initial, (s, e) => Teacher.Evolve(s, e.Data));

    public async Task<List<T>> RowsAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params object[] parameters)
    {
        await using var cmd = Store.DataSource.CreateCommand(sql);
        foreach (var p in parameters) cmd.Parameters.Add(new() { Value = p });
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await r.ReadAsync()) rows.Add(read(r));
        return rows;
    }

    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var cmd = Store.DataSource.CreateCommand(sql);
        foreach (var p in parameters) cmd.Parameters.Add(new() { Value = p });
        await cmd.ExecuteNonQueryAsync();
    }

    public const string Range = "lower(dates), CASE WHEN upper_inf(dates) THEN NULL ELSE upper(dates) - 1 END";

    public async Task<List<TrainingRow>> TrainingAsync(Guid teacher) => await RowsAsync(
        $"""
        SELECT period_id, role, at_school_period_id, school_id, {Range}, training_programme, lead_provider_id, contract_period_year,
               schedule_identifier, partnership_id, delivery_partner_id, status, deferral_reason, withdrawal_reason, deferred_on::text
        FROM training_periods WHERE teacher_id = $1 ORDER BY period_id
        """,
        r => new TrainingRow(r.GetInt32(0), r.GetString(1), r.GetInt32(2), r.GetGuid(3), r.GetFieldValue<DateOnly>(4), V<DateOnly?>(r, 5), r.GetString(6),
            V<Guid?>(r, 7), V<int?>(r, 8), V<string>(r, 9), V<Guid?>(r, 10), V<Guid?>(r, 11), r.GetString(12), V<string>(r, 13), V<string>(r, 14), V<string>(r, 15)),
        teacher);

    public async Task<List<InductionRow>> InductionsAsync(Guid teacher) => await RowsAsync(
        $"SELECT period_id, appropriate_body_id, {Range}, training_programme, number_of_terms, outcome FROM induction_periods WHERE teacher_id = $1 ORDER BY period_id",
        r => new InductionRow(r.GetInt32(0), r.GetGuid(1), r.GetFieldValue<DateOnly>(2), V<DateOnly?>(r, 3), r.GetString(4), V<decimal?>(r, 5), V<string>(r, 6)),
        teacher);

    public async Task<List<ExtensionRow>> ExtensionsAsync(Guid teacher) => await RowsAsync(
        "SELECT extension_id, appropriate_body_id, number_of_terms, added_on FROM induction_extensions WHERE teacher_id = $1 ORDER BY extension_id",
        r => new ExtensionRow(r.GetInt32(0), r.GetGuid(1), r.GetDecimal(2), r.GetFieldValue<DateOnly>(3)),
        teacher);

    public async Task<List<MentorshipRow>> MentorshipsAsync(Guid mentee) => await RowsAsync(
        $"SELECT mentorship_id, ect_period_id, mentor_id, mentor_period_id, {Range} FROM mentorship_periods WHERE mentee_id = $1 ORDER BY mentorship_id",
        r => new MentorshipRow(r.GetInt32(0), r.GetInt32(1), r.GetGuid(2), r.GetInt32(3), r.GetFieldValue<DateOnly>(4), V<DateOnly?>(r, 5)),
        mentee);

    public async Task<TeacherRow?> TeacherAsync(Guid teacher) => (await RowsAsync(
        """
        SELECT trn, name, ect_training_status, mentor_training_status, induction_status, ect_eligible_for_funding, mentor_eligible_for_funding,
               ect_payments_frozen_year, mentor_payments_frozen_year, merged_into, erased
        FROM teachers WHERE teacher_id = $1
        """,
        r => new TeacherRow(r.GetString(0), r.GetString(1), V<string>(r, 2), V<string>(r, 3), r.GetString(4), V<bool?>(r, 5), V<bool?>(r, 6),
            V<int?>(r, 7), V<int?>(r, 8), V<Guid?>(r, 9), r.GetBoolean(10)),
        teacher)).SingleOrDefault();

    private static T? V<T>(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? default : r.GetFieldValue<T>(i);
}

public sealed record TrainingRow(
    int Id, string Role, int AtSchoolPeriodId, Guid SchoolId, DateOnly Start, DateOnly? End, string Programme, Guid? LeadProviderId, int? ContractPeriodYear,
    string? Schedule, Guid? PartnershipId, Guid? DeliveryPartnerId, string Status, string? DeferralReason, string? WithdrawalReason, string? DeferredOn = null);

public sealed record InductionRow(int Id, Guid AppropriateBodyId, DateOnly Start, DateOnly? End, string Programme, decimal? NumberOfTerms, string? Outcome);

public sealed record ExtensionRow(int Id, Guid AppropriateBodyId, decimal NumberOfTerms, DateOnly AddedOn);

public sealed record MentorshipRow(int Id, int EctPeriodId, Guid MentorId, int MentorPeriodId, DateOnly Start, DateOnly? End);

public sealed record TeacherRow(
    string Trn, string Name, string? EctTrainingStatus, string? MentorTrainingStatus, string InductionStatus, bool? EctEligibleForFunding,
    bool? MentorEligibleForFunding, int? EctPaymentsFrozenYear, int? MentorPaymentsFrozenYear, Guid? MergedInto, bool Erased);

public class when_careers_are_kept_in_the_period_tables(PeriodTablesWorld world) : IClassFixture<PeriodTablesWorld>
{
    private static string Snake<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static string? Snake<T>(T? value) where T : struct, Enum => value is { } v ? Snake(v) : null;

    [Fact]
    public async Task every_teachers_rows_say_what_their_stream_folds_to()
    {
        var ids = await world.RowsAsync("SELECT teacher_id FROM teachers ORDER BY teacher_id", r => r.GetGuid(0));
        ids.ShouldContain(world.Jane);
        ids.Count.ShouldBe(11);

        foreach (var id in ids)
        {
            var fold = await world.FoldAsync(id);
            var because = $"teacher {fold.Name} ({id})";
            (await world.TeacherAsync(id)).ShouldBe(new TeacherRow(fold.Trn, fold.Name, Snake(fold.EctTrainingStatus), Snake(fold.MentorTrainingStatus),
                Snake(fold.InductionStatus), fold.EligibleForFunding(TeacherRole.Ect), fold.EligibleForFunding(TeacherRole.Mentor),
                fold.EctPaymentsFrozenYear, fold.MentorPaymentsFrozenYear, fold.MergedInto, fold.Erased), because);
            // Deferral days are not in the fold; the training rows are otherwise its training periods.
            (await world.TrainingAsync(id)).Select(t => t with { DeferredOn = null }).ShouldBe(fold.TrainingPeriods.OrderBy(t => t.Id).Select(t => new TrainingRow(
                t.Id, Snake(t.Role), t.AtSchoolPeriodId, t.SchoolId, t.Dates.Start, t.Dates.End, Snake(t.Programme), t.ProviderLed?.LeadProviderId,
                t.ProviderLed?.ContractPeriodYear, t.ProviderLed?.ScheduleIdentifier, t.ProviderLed?.PartnershipId, t.ProviderLed?.DeliveryPartnerId,
                Snake(t.Status), Snake(t.DeferralReason), Snake(t.WithdrawalReason))), because);
            (await world.InductionsAsync(id)).ShouldBe(fold.InductionPeriods.OrderBy(p => p.Id).Select(p => new InductionRow(
                p.Id, p.AppropriateBodyId, p.Dates.Start, p.Dates.End, Snake(p.Programme), p.NumberOfTerms, Snake(p.Outcome))), because);
            (await world.ExtensionsAsync(id)).ShouldBe(fold.InductionExtensions.OrderBy(x => x.Id).Select(x => new ExtensionRow(
                x.Id, x.AppropriateBodyId, x.NumberOfTerms, x.AddedOn)), because);
            var mentorships = new List<MentorshipRow>();
            foreach (var m in fold.Mentorships.OrderBy(m => m.Id))
            {
                var (mentorId, mentorPeriodId) = await LiveMentorAsync(id, m);
                mentorships.Add(new(m.Id, m.EctPeriodId, mentorId, mentorPeriodId, m.Dates.Start, m.Dates.End));
            }
            (await world.MentorshipsAsync(id)).ShouldBe(mentorships, because);
        }
    }

    // The mentee's stream keeps naming the mentor and mentor period it was given; the row follows the mentor's own
    // stream, where a GIAS merger can fold the period into another and a record merger moves it to the kept teacher.
    private async Task<(Guid, int)> LiveMentorAsync(Guid mentee, Mentorship m)
    {
        var mentor = await world.FoldAsync(m.MentorId);
        if (mentor.MergedInto is { } kept) mentor = await world.FoldAsync(kept);
        var mentoring = mentor.Mentorings.Single(x => x.MenteeId == mentee && x.MentorshipId == m.Id);
        return (mentor.Id, mentoring.MentorPeriodId);
    }

    [Fact]
    public async Task confirmed_training_finishes_the_day_before_the_new_lead_provider_starts()
    {
        var training = await world.TrainingAsync(world.Jane);

        training.Count.ShouldBe(2);
        (training[0].LeadProviderId, training[0].Start, training[0].End, training[0].PartnershipId is null).ShouldBe((Ambition, Day(2025, 9, 1), Day(2025, 10, 5), false));
        (training[1].LeadProviderId, training[1].Start, training[1].ContractPeriodYear).ShouldBe((TeachFirst, Day(2025, 10, 6), 2025));
        // Both end on the day the induction was recorded as passed, since the ECT period finished then.
        training[1].End.ShouldBe(Day(2026, 7, 20));
        (await world.TeacherAsync(world.Jane))!.EctTrainingStatus.ShouldBe("active");
    }

    [Fact]
    public async Task a_replaced_mentor_is_followed_by_the_new_one_without_overlap()
    {
        var mentorships = await world.MentorshipsAsync(world.Jane);

        mentorships.Select(m => (m.MentorId, m.Start, m.End)).ShouldBe([
            (world.Maria, Day(2025, 9, 2), Day(2026, 1, 4)),
            (world.Tom, Day(2026, 1, 5), Day(2026, 7, 20))]);
    }

    [Fact]
    public async Task withdrawn_training_ends_on_the_day_and_the_mentor_reads_as_withdrawn()
    {
        var training = (await world.TrainingAsync(world.Maria)).Single();
        var withdrawnOn = (await world.RowsAsync("SELECT withdrawn_on FROM training_periods WHERE teacher_id = $1", r => r.GetFieldValue<DateOnly>(0), world.Maria)).Single();

        (training.Role, training.Status, training.WithdrawalReason, training.End, withdrawnOn).ShouldBe(
            ("mentor", "withdrawn", "mentor_no_longer_being_mentor", (DateOnly?)Day(2026, 1, 9), Day(2026, 1, 9)));
        var maria = (await world.TeacherAsync(world.Maria))!;
        (maria.MentorTrainingStatus, maria.EctTrainingStatus).ShouldBe(("withdrawn", null));
    }

    [Fact]
    public async Task a_released_then_passed_induction_is_two_periods_and_the_teacher_has_passed()
    {
        var inductions = await world.InductionsAsync(world.Jane);

        inductions.Select(i => (i.AppropriateBodyId, i.Start, i.End, i.NumberOfTerms, i.Outcome)).ShouldBe([
            (Kingfisher, Day(2025, 9, 1), Day(2026, 3, 31), 2m, null),
            (NorthernLights, Day(2026, 4, 13), Day(2026, 7, 17), 3m, "pass")]);
        (await world.ExtensionsAsync(world.Jane)).Single().NumberOfTerms.ShouldBe(1.5m);
        var jane = (await world.TeacherAsync(world.Jane))!;
        (jane.InductionStatus, jane.EctEligibleForFunding).ShouldBe(("passed", true));
    }

    [Fact]
    public async Task deferred_training_ends_on_the_day_and_moves_with_a_merge_under_its_new_id()
    {
        var sam = (await world.TeacherAsync(world.Sam))!;
        (sam.MergedInto, sam.EctTrainingStatus, sam.InductionStatus).ShouldBe((world.Dan, null, "none"));
        (await world.TrainingAsync(world.Sam)).ShouldBeEmpty();
        (await world.InductionsAsync(world.Sam)).ShouldBeEmpty();
        (await world.ExtensionsAsync(world.Sam)).ShouldBeEmpty();

        // Dan's own mentor period is 1; Sam's ECT period, training, induction and extension follow on as 2 to 5.
        var training = (await world.TrainingAsync(world.Dan)).Single();
        (training.Id, training.Role, training.AtSchoolPeriodId, training.Status, training.DeferralReason).ShouldBe((3, "ect", 2, "deferred", "long_term_sickness"));
        (training.Start, training.End, training.DeferredOn).ShouldBe((Day(2025, 9, 1), Day(2025, 11, 3), "2025-11-03"));
        (await world.InductionsAsync(world.Dan)).Single().Id.ShouldBe(4);
        (await world.ExtensionsAsync(world.Dan)).Single().Id.ShouldBe(5);
        var dan = (await world.TeacherAsync(world.Dan))!;
        (dan.EctTrainingStatus, dan.MentorTrainingStatus, dan.InductionStatus, dan.Name).ShouldBe(("deferred", null, "paused", "Dan Smith"));
    }

    [Fact]
    public async Task an_ect_mentored_by_a_merged_duplicate_is_mentored_by_the_kept_teacher()
    {
        var kim = await world.FoldAsync(world.Kim);
        var movedMentorPeriod = kim.MentorPeriods.Single();

        var mentorship = (await world.MentorshipsAsync(world.Ned)).Single();

        (mentorship.MentorId, mentorship.MentorPeriodId, mentorship.Start, mentorship.End).ShouldBe((world.Kim, movedMentorPeriod.Id, Day(2025, 9, 2), (DateOnly?)null));
    }

    [Fact]
    public async Task a_school_merged_by_gias_takes_its_training_and_the_merged_mentor_period_along()
    {
        var max = await world.FoldAsync(world.Max);
        var atFakenham = max.MentorPeriods.Single();

        var mentorTraining = (await world.TrainingAsync(world.Max)).Single();
        var lilyTraining = (await world.TrainingAsync(world.Lily)).Single();
        var mentorship = (await world.MentorshipsAsync(world.Lily)).Single();

        (mentorTraining.SchoolId, mentorTraining.AtSchoolPeriodId, mentorTraining.LeadProviderId).ShouldBe((world.FakenhamId, atFakenham.Id, Ambition));
        lilyTraining.SchoolId.ShouldBe(world.FakenhamId);
        lilyTraining.PartnershipId.ShouldNotBeNull().ShouldNotBe(world.OldPartnership);
        (mentorship.MentorId, mentorship.MentorPeriodId).ShouldBe((world.Max, atFakenham.Id));
        (await world.TeacherAsync(world.Max))!.MentorEligibleForFunding.ShouldBe(true);
    }

    [Fact]
    public async Task an_erased_teacher_keeps_the_trn_and_reads_as_erased()
    {
        var erin = (await world.TeacherAsync(world.Erin))!;

        (erin.Name, erin.Erased, erin.EctTrainingStatus).ShouldBe((PersonalData.Erased, true, "active"));
        (await world.TrainingAsync(world.Erin)).Single().Programme.ShouldBe("school_led");
        (await world.RowsAsync("SELECT count(*) FROM teachers WHERE lower(name) LIKE 'erin%'", r => r.GetInt64(0))).Single().ShouldBe(0);
    }

    [Theory]
    [InlineData("training_periods",
        "INSERT INTO training_periods (teacher_id, period_id, role, at_school_period_id, school_id, dates, training_programme) VALUES ($1, 99, 'ect', 1, gen_random_uuid(), daterange('2025-12-01', NULL), 'school_led')")]
    [InlineData("mentorship_periods",
        "INSERT INTO mentorship_periods (mentee_id, mentorship_id, ect_period_id, mentor_id, mentor_period_id, dates) VALUES ($1, 99, 1, gen_random_uuid(), 1, daterange('2026-02-01', '2026-03-01'))")]
    [InlineData("induction_periods",
        "INSERT INTO induction_periods (teacher_id, period_id, appropriate_body_id, dates, training_programme) VALUES ($1, 99, gen_random_uuid(), daterange('2026-05-01', NULL), 'provider_led')")]
    public async Task an_overlapping_period_is_refused_by_the_database(string table, string insert)
    {
        var refused = await Should.ThrowAsync<PostgresException>(() => world.ExecuteAsync(insert, world.Jane));

        refused.SqlState.ShouldBe(PostgresErrorCodes.ExclusionViolation);
        refused.TableName.ShouldBe(table);
    }

    [Fact]
    public async Task a_period_that_does_not_overlap_is_accepted_so_the_refusals_are_about_the_dates()
    {
        await using var conn = await world.Store.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO training_periods (teacher_id, period_id, role, at_school_period_id, school_id, dates, training_programme) VALUES ($1, 99, 'ect', 1, gen_random_uuid(), daterange('2026-08-01', NULL), 'school_led')",
            conn, tx);
        cmd.Parameters.Add(new() { Value = world.Jane });

        (await cmd.ExecuteNonQueryAsync()).ShouldBe(1);
        await tx.RollbackAsync();
    }

    [Fact]
    public async Task a_rebuild_replays_the_same_rows()
    {
        var before = await SnapshotAsync();
        before["training_periods"].Count.ShouldBeGreaterThan(5);
        before["mentorship_periods"].Count.ShouldBeGreaterThan(2);

        // Pages of one event as well: a merge's two halves then land in different batches.
        foreach (var batchSize in new[] { 10_000, 1 })
        {
            await new ProjectionRebuilder(world.Store, batchSize).RebuildAsync(world.Projection);

            var after = await SnapshotAsync();
            foreach (var table in world.Projection.Tables)
                after[table].ShouldBe(before[table], $"{table} differs after a rebuild in pages of {batchSize}");
        }
    }

    private async Task<Dictionary<string, List<string>>> SnapshotAsync()
    {
        var tables = new Dictionary<string, List<string>>();
        foreach (var table in world.Projection.Tables)
            tables[table] = await world.RowsAsync($"SELECT t::text FROM {table} t ORDER BY 1", r => r.GetString(0));
        return tables;
    }
}
