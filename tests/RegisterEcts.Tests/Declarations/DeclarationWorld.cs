using RegisterEcts.Declarations;
using RegisterEcts.Reference;
using RegisterEcts.Shared;
using RegisterEcts.Statements;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests.Declarations;

/// Jane trains with Ambition in the 2025 cohort (training period 2); now is midday on 15 October 2025.
public static class DeclarationWorld
{
    public static readonly DateTimeOffset Now = new(2025, 10, 15, 12, 0, 0, TimeSpan.Zero);
    public static readonly Guid Id = Guid.Parse("019a0000-0000-7000-8000-00000000d001");

    private static readonly string[] Standard = ["started", "retained-1", "retained-2", "retained-3", "retained-4", "completed"];

    /// The 2025 standard and extended September schedules with every milestone, as seeded.
    public static readonly ReferenceData Milestones = Catalogue with
    {
        Schedules = Catalogue.Schedules
            .SetItem((2025, "ecf-standard-september"), new Schedule(2025, "ecf-standard-september", [.. Standard.Select(t => new Milestone(t, new(2025, 6, 1), null))]))
            .SetItem((2025, "ecf-extended-september"), new Schedule(2025, "ecf-extended-september",
                [.. Standard.Concat(["extended-1", "extended-2", "extended-3"]).Select(t => new Milestone(t, new(2025, 9, 1), null))])),
    };

    public static readonly StatementSummary October = MonthlyStatement(Ambition, 2025, 10);
    public static readonly StatementSummary November = MonthlyStatement(Ambition, 2025, 11);
    public static readonly StatementSummary January = MonthlyStatement(Ambition, 2026, 1);
    public static readonly StatementSummary TeachNovember = MonthlyStatement(Teach, 2025, 11);
    public static readonly IReadOnlyList<StatementSummary> AmbitionAndTeachStatements = [January, October, November, TeachNovember];

    public static StatementSummary MonthlyStatement(Guid lp, int year, int month, StatementStatus status = StatementStatus.Open, int cohort = 2025)
    {
        var first = new DateOnly(year, month, 1);
        return new(RegisterEcts.Statements.Statement.IdFor(lp, cohort, year, month), lp, cohort, year, month, first.AddMonths(1).AddDays(-1),
            first.AddMonths(1).AddDays(24), RegisterEcts.Statements.Statement.FeeTypeFor(month), status);
    }

    public static Teacher NotYetEligible() => LeadProviderWorld.Training();

    public static Teacher Eligible() => Then(LeadProviderWorld.Training(), [new TeacherFundingEligibilitySet(Jane, TeacherRole.Ect, new(2025, 9, 2))]);

    public static Teacher EligibleMentor() => LeadProviderWorld.MentorTraining();

    public static SubmitDeclaration Submit(
        string? type = "started", string? date = "2025-10-01T10:00:00Z", string? evidence = "training-event-attended", string? course = LeadProviderWorld.Ect,
        Guid? teacher = null, Guid? lp = null, DateTimeOffset? now = null) =>
        new(Id, teacher ?? Jane, lp ?? Ambition, course, type, date, evidence, now ?? Now);

    public static IReadOnlyList<object> Decide(SubmitDeclaration command, Teacher teacher, IReadOnlyList<DeclarationSummary>? existing = null,
        IReadOnlyList<StatementSummary>? statements = null, ReferenceData? reference = null) =>
        SubmitDeclaration.Decide(command, teacher, existing ?? [], statements ?? AmbitionAndTeachStatements, reference ?? Milestones);

    public static DeclarationSummary Existing(string type, string date, DeclarationState state = DeclarationState.Eligible, Guid? lp = null, TeacherRole role = TeacherRole.Ect) =>
        new(Guid.CreateVersion7(), role == TeacherRole.Ect ? Jane : Maria, lp ?? Ambition, 2, role, type, DateTimeOffset.Parse(date, System.Globalization.CultureInfo.InvariantCulture), 2025, state);
}
