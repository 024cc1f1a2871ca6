using FluentValidation;
using RegisterEcts.Partnerships;
using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// A school registers an ECT by TRN. The caller looks the TRN up and passes the existing teacher's id
/// (or a new uuid v7), and, for provider-led training, the school's partnerships with that lead provider.
/// IndependentSchool comes from the school's GIAS type: it decides which appropriate bodies the school may choose.
public sealed record RegisterEct(
    Guid TeacherId,
    string Trn,
    string Name,
    string? Email,
    Guid SchoolId,
    DateOnly StartedOn,
    WorkingPattern WorkingPattern,
    Guid AppropriateBodyId,
    bool IndependentSchool,
    TrainingProgramme Programme,
    Guid? LeadProviderId,
    IReadOnlyList<SchoolPartnership> Partnerships,
    DateOnly Today)
{
    public sealed class Validator : AbstractValidator<RegisterEct>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.Trn).MustBeTrn();
            RuleFor(c => c.Name).MustBeName();
            RuleFor(c => c.Email).MustBeEmail();
            RuleFor(c => c.SchoolId).NotEmpty();
            RuleFor(c => c.WorkingPattern).IsInEnum();
            RuleFor(c => c.AppropriateBodyId).NotEmpty().WithMessage("Select an appropriate body");
            RuleFor(c => c.Programme).IsInEnum();
            this.LeadProviderMatchesProgramme(c => c.Programme, c => c.LeadProviderId);
            RuleFor(c => c.Partnerships).NotNull();
        }
    }

    public static IReadOnlyList<StreamEvents> Decide(RegisterEct command, Teacher state, ReferenceData reference)
    {
        var trn = Registration.CheckTrn(command.Trn, state);
        var name = state.Exists ? state.DisplayName : command.Name;
        var start = command.StartedOn;
        var today = command.Today;

        if (state.EctPeriods.Any(p => p.SchoolId == command.SchoolId && p.Dates.IsOpen))
            throw new RuleViolation("ect_already_registered_at_school", $"{name} is already registered as an ECT at your school");
        if (reference.EarliestPermittedStartDate(today) is { } earliest && start < earliest)
            throw new RuleViolation("start_date_too_early",
                $"Start date cannot be earlier than the last 2 registration periods. Enter a date later than {Dates.Govuk(earliest)}");
        if (!reference.IsAppropriateBodyActive(command.AppropriateBodyId))
            throw new RuleViolation("appropriate_body_not_active", "Select an appropriate body that is currently active");
        CheckAppropriateBodyType(reference.FindAppropriateBody(command.AppropriateBodyId)!.Type, command.IndependentSchool);

        var decision = new TeacherDecision(command.TeacherId, state);
        // A teacher is an ECT at one school at a time: registering elsewhere is a transfer.
        foreach (var previous in state.EctPeriods.Where(p => p.Dates.RunsOnOrAfter(start)).ToList())
        {
            decision.CheckBoundary(TeacherRole.Ect, previous.Dates, previous.Id, start, today,
                previous.SchoolId == command.SchoolId ? "your school" : "their previous school");
            decision.LeaveEct(previous, start.AddDays(-1));
        }

        var ectPeriodId = decision.NextId;
        decision.Add(new TeacherRegisteredAsEct(
            command.TeacherId, trn, command.Name, command.Email, ectPeriodId, command.SchoolId, start, command.WorkingPattern, command.AppropriateBodyId));

        // Backdated registrations start training on the day they are made.
        var trainingStart = Dates.Max(start, today);
        ProviderLedTraining? providerLed = null;
        if (command.Programme == TrainingProgramme.ProviderLed)
        {
            var choice = TrainingChoice.For(decision.State, TeacherRole.Ect, command.SchoolId, command.LeadProviderId!.Value,
                start, trainingStart, command.Partnerships, reference, today);
            providerLed = choice.Training;
            if (choice.FrozenYearLeft is { } frozenYear)
            {
                // As in the reference service, training in the successor cohort may begin as early as that cohort did.
                trainingStart = Dates.Max(start, reference.FindContractPeriod(choice.Training.ContractPeriodYear)!.StartedOn);
                decision.Add(new CohortChangedAfterPaymentsFrozen(command.TeacherId, TeacherRole.Ect, frozenYear, choice.Training.ContractPeriodYear, today));
            }
        }
        decision.Add(new TrainingPeriodStarted(
            command.TeacherId, decision.NextId, TeacherRole.Ect, ectPeriodId, command.SchoolId, trainingStart, null, command.Programme, providerLed));
        decision.SetEctFundingEligibility(today);
        return decision.ByStream();
    }

    // Independent schools may use a national body (ISTIP, ESP) or a hub; state-funded schools only a hub.
    private static void CheckAppropriateBodyType(AppropriateBodyType type, bool independentSchool)
    {
        if (independentSchool && type is not (AppropriateBodyType.National or AppropriateBodyType.TeachingSchoolHub))
            throw new RuleViolation("appropriate_body_not_allowed",
                "An independent school must choose a national appropriate body or a teaching school hub");
        if (!independentSchool && type != AppropriateBodyType.TeachingSchoolHub)
            throw new RuleViolation("appropriate_body_not_allowed",
                "A state-funded school must choose a teaching school hub as its appropriate body");
    }
}

internal static class Registration
{
    /// Registering a known TRN reuses the teacher; the caller must have passed that teacher's id.
    public static string CheckTrn(string input, Teacher state)
    {
        var trn = Shared.Trn.Parse(input).Value;
        if (!state.Exists) return trn;
        state.EnsureActive();
        return state.Trn == trn
            ? trn
            : throw new RuleViolation("trn_mismatch", $"This teacher's TRN is {state.Trn}, not {trn}");
    }
}
