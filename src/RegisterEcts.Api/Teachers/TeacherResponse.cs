using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.Api.Teachers;

public sealed record PeriodResponse(int Id, Guid SchoolId, DateOnly StartedOn, DateOnly? FinishedOn, string? Email, WorkingPattern? WorkingPattern);

public sealed record TrainingResponse(
    int Id, TeacherRole Role, int AtSchoolPeriodId, DateOnly StartedOn, DateOnly? FinishedOn, TrainingProgramme TrainingProgramme,
    Guid? LeadProviderId, int? ContractPeriodYear, string? Schedule, Guid? PartnershipId, TrainingStatus Status);

public sealed record MentorshipResponse(int Id, Guid MentorTeacherId, Guid MenteeTeacherId, DateOnly StartedOn, DateOnly? FinishedOn);

public sealed record InductionResponse(int Id, Guid AppropriateBodyId, DateOnly StartedOn, DateOnly? FinishedOn, TrainingProgramme InductionProgramme, decimal? NumberOfTerms, InductionOutcome? Outcome);

/// <summary>A teacher as one school (or appropriate body, or support) sees them after a command.</summary>
public sealed record TeacherResponse(
    Guid TeacherId,
    string Trn,
    string Name,
    InductionStatus InductionStatus,
    TrainingStatus? EctTrainingStatus,
    TrainingStatus? MentorTrainingStatus,
    IReadOnlyList<PeriodResponse> EctAtSchoolPeriods,
    IReadOnlyList<PeriodResponse> MentorAtSchoolPeriods,
    IReadOnlyList<TrainingResponse> TrainingPeriods,
    IReadOnlyList<MentorshipResponse> Mentorships,
    IReadOnlyList<InductionResponse> InductionPeriods)
{
    /// <param name="schoolId">A school sees only what happened at it; null shows everything.</param>
    public static TeacherResponse From(Teacher t, Guid? schoolId = null)
    {
        bool Here(Guid id) => schoolId is null || id == schoolId;
        var ectIds = t.EctPeriods.Where(p => Here(p.SchoolId)).Select(p => p.Id).ToHashSet();
        var mentorIds = t.MentorPeriods.Where(p => Here(p.SchoolId)).Select(p => p.Id).ToHashSet();
        return new(
            t.Id, t.Trn, t.DisplayName, t.InductionStatus, t.EctTrainingStatus, t.MentorTrainingStatus,
            t.EctPeriods.Where(p => Here(p.SchoolId)).Select(p => new PeriodResponse(p.Id, p.SchoolId, p.Dates.Start, p.Dates.End, p.Email, p.WorkingPattern)).ToList(),
            t.MentorPeriods.Where(p => Here(p.SchoolId)).Select(p => new PeriodResponse(p.Id, p.SchoolId, p.Dates.Start, p.Dates.End, p.Email, null)).ToList(),
            t.TrainingPeriods.Where(p => Here(p.SchoolId)).OrderBy(p => p.Dates.Start).ThenBy(p => p.Id).Select(p => new TrainingResponse(
                p.Id, p.Role, p.AtSchoolPeriodId, p.Dates.Start, p.Dates.End, p.Programme, p.ProviderLed?.LeadProviderId, p.ProviderLed?.ContractPeriodYear,
                p.ProviderLed?.ScheduleIdentifier, p.ProviderLed?.PartnershipId, p.Status)).ToList(),
            [
                .. t.Mentorships.Where(m => ectIds.Contains(m.EctPeriodId)).Select(m => new MentorshipResponse(m.Id, m.MentorId, t.Id, m.Dates.Start, m.Dates.End)),
                .. t.Mentorings.Where(m => mentorIds.Contains(m.MentorPeriodId)).Select(m => new MentorshipResponse(m.MentorshipId, t.Id, m.MenteeId, m.Dates.Start, m.Dates.End)),
            ],
            t.InductionPeriods.Select(p => new InductionResponse(p.Id, p.AppropriateBodyId, p.Dates.Start, p.Dates.End, p.Programme, p.NumberOfTerms, p.Outcome)).ToList());
    }
}
