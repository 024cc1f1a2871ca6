using RegisterEcts.Partnerships;
using RegisterEcts.Reference;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.Tests;

/// The reference data and people every scenario shares. Today is in the 2025 cohort.
public static class World
{
    public static readonly DateOnly Today = new(2025, 10, 15);
    public static readonly DateOnly Yesterday = Today.AddDays(-1);

    public static readonly Guid Ambition = Guid.Parse("00000000-0000-0000-0000-00000000a001");
    public static readonly Guid Teach = Guid.Parse("00000000-0000-0000-0000-00000000a002");
    public static readonly Guid Inactive = Guid.Parse("00000000-0000-0000-0000-00000000a003");
    public static readonly Guid Partner = Guid.Parse("00000000-0000-0000-0000-00000000d001");
    public static readonly Guid Body = Guid.Parse("00000000-0000-0000-0000-00000000b001");
    public static readonly Guid ClosedBody = Guid.Parse("00000000-0000-0000-0000-00000000b002");
    public static readonly Guid NationalBody = Guid.Parse("00000000-0000-0000-0000-00000000b003");
    public static readonly Guid CountyBody = Guid.Parse("00000000-0000-0000-0000-00000000b004");

    public static readonly Guid Oak = Guid.Parse("00000000-0000-0000-0000-00000000c001");
    public static readonly Guid Elm = Guid.Parse("00000000-0000-0000-0000-00000000c002");

    public static readonly Guid Jane = Guid.Parse("01990000-0000-7000-8000-000000000001");
    public static readonly Guid Maria = Guid.Parse("01990000-0000-7000-8000-000000000002");
    public static readonly Guid Tom = Guid.Parse("01990000-0000-7000-8000-000000000003");
    public static readonly Guid Sam = Guid.Parse("01990000-0000-7000-8000-000000000004");

    public static readonly SchoolPartnership OakAmbition2025 = new(Guid.Parse("00000000-0000-0000-0000-00000000e025"), Oak, Ambition, Partner, 2025);
    public static readonly SchoolPartnership OakTeach2025 = new(Guid.Parse("00000000-0000-0000-0000-00000000f025"), Oak, Teach, Partner, 2025);
    public static readonly SchoolPartnership ElmAmbition2024 = new(Guid.Parse("00000000-0000-0000-0000-00000000e124"), Elm, Ambition, Partner, 2024);

    public static readonly IReadOnlyList<object> ReferenceFacts = BuildReference();

    public static readonly ReferenceData Catalogue = ReferenceData.From(ReferenceFacts);

    private static List<object> BuildReference()
    {
        List<object> events =
        [
            new LeadProviderRegistered(Ambition, "Ambition Institute"),
            new LeadProviderRegistered(Teach, "Teach First"),
            new LeadProviderRegistered(Inactive, "Gone Learning"),
            new DeliveryPartnerRegistered(Partner, "North Teaching Hub"),
            new AppropriateBodyRegistered(Body, "South Hub", AppropriateBodyType.TeachingSchoolHub, true),
            new AppropriateBodyRegistered(ClosedBody, "Old Hub", AppropriateBodyType.TeachingSchoolHub, false),
            new AppropriateBodyRegistered(NationalBody, "ISTIP", AppropriateBodyType.National, true),
            new AppropriateBodyRegistered(CountyBody, "Shire County Council", AppropriateBodyType.LocalAuthority, true),
        ];
        for (var year = 2021; year <= 2026; year++)
        {
            DateOnly? frozen = year switch { 2021 => new(2024, 6, 18), 2022 => new(2025, 6, 16), _ => null };
            events.Add(new ContractPeriodRegistered(year, new(year, 6, 1), new(year + 1, 5, 31), true, frozen, year >= 2025, year >= 2025, year < 2025));
            events.Add(new LeadProviderActivatedForContractPeriod(Ambition, year));
            events.Add(new LeadProviderActivatedForContractPeriod(Teach, year));
            foreach (var type in new[] { "standard", "extended", "reduced", "replacement" })
            foreach (var month in new[] { "september", "january", "april" })
                events.Add(new ScheduleRegistered(year, $"ecf-{type}-{month}", [new Milestone("started", new(year, 6, 1), null)]));
        }
        return events;
    }

    public static Teacher Given(params object[] events) => events.Aggregate(Teacher.Initial, Teacher.Evolve);

    /// Folds a multi-stream decision into the given teacher's state.
    public static Teacher Then(Teacher state, IReadOnlyList<StreamEvents> streams, Guid teacherId) =>
        streams.Where(s => s.StreamId == teacherId).SelectMany(s => s.Events).Aggregate(state, Teacher.Evolve);

    public static Teacher Then(Teacher state, IReadOnlyList<object> events) => events.Aggregate(state, Teacher.Evolve);

    public static IReadOnlyList<object> For(this IReadOnlyList<StreamEvents> streams, Guid teacherId) =>
        streams.Where(s => s.StreamId == teacherId).SelectMany(s => s.Events).ToList();

    public static RegisterEct NewEct(
        Guid? teacher = null, Guid? school = null, DateOnly? startedOn = null, TrainingProgramme programme = TrainingProgramme.ProviderLed,
        Guid? leadProvider = null, IReadOnlyList<SchoolPartnership>? partnerships = null, string trn = "1234567", DateOnly? today = null,
        Guid? appropriateBody = null, bool independentSchool = false) =>
        new(teacher ?? Jane, trn, "Jane Doe", "jane@example.com", school ?? Oak, startedOn ?? new DateOnly(2025, 9, 1), WorkingPattern.FullTime,
            appropriateBody ?? Body, independentSchool, programme, programme == TrainingProgramme.ProviderLed ? leadProvider ?? Ambition : null, partnerships ?? [], today ?? Today);

    public static RegisterMentor NewMentor(
        Guid? teacher = null, Guid? school = null, DateOnly? startedOn = null, bool thisSchoolOnly = false, Guid? leadProvider = null,
        string trn = "7654321", DateOnly? today = null, IReadOnlyList<SchoolPartnership>? partnerships = null) =>
        new(teacher ?? Maria, trn, "Maria Lopez", "maria@example.com", school ?? Oak, startedOn ?? new DateOnly(2025, 9, 1), thisSchoolOnly,
            leadProvider, partnerships ?? [], today ?? Today);

    /// Runs a registration the way the service would and returns the teacher's events, for Given.
    public static object[] EctRegistered(
        Guid? teacher = null, Guid? school = null, DateOnly? startedOn = null, TrainingProgramme programme = TrainingProgramme.ProviderLed,
        Guid? leadProvider = null, IReadOnlyList<SchoolPartnership>? partnerships = null, DateOnly? today = null, Teacher? before = null) =>
        RegisterEcts.Teachers.RegisterEct.Decide(NewEct(teacher, school, startedOn, programme, leadProvider, partnerships, today: today), before ?? Teacher.Initial, Catalogue)
            .For(teacher ?? Jane).ToArray();

    public static object[] MentorRegistered(
        Guid? teacher = null, Guid? school = null, DateOnly? startedOn = null, Guid? leadProvider = null, DateOnly? today = null, Teacher? before = null,
        string trn = "7654321") =>
        RegisterEcts.Teachers.RegisterMentor.Decide(NewMentor(teacher, school, startedOn, leadProvider: leadProvider, today: today, trn: trn), before ?? Teacher.Initial, Catalogue)
            .For(teacher ?? Maria).ToArray();
}
