using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// Every teacher event names the stream it belongs to, so a decision touching several teachers
/// (a mentor and a mentee, say) can be split into one append per stream.
public interface ITeacherEvent
{
    Guid TeacherId { get; }
}

/// Provider-led training: who trains, in which cohort, on which schedule. No partnership yet means
/// the school only expressed an interest (EOI) in the lead provider.
public sealed record ProviderLedTraining(Guid LeadProviderId, int ContractPeriodYear, string ScheduleIdentifier, Guid? PartnershipId, Guid? DeliveryPartnerId);

// Period ids (EctPeriodId, TrainingPeriodId, …) are numbered within the teacher's stream, so Decide
// stays deterministic; a row is identified by (teacher id, period id).

public sealed record TeacherRegisteredAsEct(
    Guid TeacherId, string Trn, [PersonalData] string Name, [PersonalData] string? Email,
    int EctPeriodId, Guid SchoolId, DateOnly StartedOn, WorkingPattern WorkingPattern, Guid AppropriateBodyId) : ITeacherEvent;

public sealed record TeacherRegisteredAsMentor(
    Guid TeacherId, string Trn, [PersonalData] string Name, [PersonalData] string? Email,
    int MentorPeriodId, Guid SchoolId, DateOnly StartedOn) : ITeacherEvent;

public sealed record TeacherLeftSchoolAsEct(Guid TeacherId, int EctPeriodId, Guid SchoolId, DateOnly FinishedOn) : ITeacherEvent;

public sealed record TeacherLeftSchoolAsMentor(Guid TeacherId, int MentorPeriodId, Guid SchoolId, DateOnly FinishedOn) : ITeacherEvent;

/// A period that had not started when the induction ended: it never happened.
public sealed record EctAtSchoolPeriodRemoved(Guid TeacherId, int EctPeriodId, Guid SchoolId, DateOnly RemovedOn) : ITeacherEvent;

/// A mentor period that would have started after its school closed: it never happened.
public sealed record MentorAtSchoolPeriodRemoved(Guid TeacherId, int MentorPeriodId, Guid SchoolId, DateOnly RemovedOn) : ITeacherEvent;

/// GIAS merged the school into its successor: the period (and its training) carries on there from MovedOn.
public sealed record EctAtSchoolPeriodMovedSchool(Guid TeacherId, int EctPeriodId, Guid FromSchoolId, Guid ToSchoolId, DateOnly MovedOn) : ITeacherEvent;

public sealed record MentorAtSchoolPeriodMovedSchool(Guid TeacherId, int MentorPeriodId, Guid FromSchoolId, Guid ToSchoolId, DateOnly MovedOn) : ITeacherEvent;

/// Moving to the successor, the mentor period overlapped one the mentor already had there: the two
/// become IntoMentorPeriodId, spanning StartedOn to FinishedOn, with the moved period's training and mentoring.
public sealed record MentorAtSchoolPeriodsMerged(
    Guid TeacherId, int MentorPeriodId, int IntoMentorPeriodId, Guid FromSchoolId, Guid ToSchoolId, DateOnly StartedOn, DateOnly? FinishedOn, DateOnly MergedOn) : ITeacherEvent;

/// The school's partnership was re-created at its successor; the training period now belongs to the new one.
public sealed record TrainingPeriodPartnershipRecreated(Guid TeacherId, int TrainingPeriodId, Guid FromPartnershipId, Guid ToPartnershipId, DateOnly RecreatedOn) : ITeacherEvent;

public sealed record TrainingPeriodStarted(
    Guid TeacherId, int TrainingPeriodId, TeacherRole Role, int AtSchoolPeriodId, Guid SchoolId,
    DateOnly StartedOn, DateOnly? FinishedOn, TrainingProgramme Programme, ProviderLedTraining? ProviderLed) : ITeacherEvent;

public sealed record TrainingPeriodFinished(Guid TeacherId, int TrainingPeriodId, DateOnly FinishedOn) : ITeacherEvent;

/// Replaced before it started: it never happened, but the timeline keeps the fact that it was planned.
public sealed record TrainingPeriodRemoved(Guid TeacherId, int TrainingPeriodId, DateOnly RemovedOn) : ITeacherEvent;

public sealed record TrainingPeriodDeferred(Guid TeacherId, int TrainingPeriodId, DeferralReason Reason, DateOnly DeferredOn) : ITeacherEvent;

public sealed record TrainingPeriodWithdrawn(Guid TeacherId, int TrainingPeriodId, WithdrawalReason Reason, DateOnly WithdrawnOn) : ITeacherEvent;

public sealed record TrainingProgrammeChanged(Guid TeacherId, int EctPeriodId, TrainingProgramme From, TrainingProgramme To, DateOnly ChangedOn) : ITeacherEvent;

public sealed record TrainingLeadProviderChanged(Guid TeacherId, TeacherRole Role, Guid FromLeadProviderId, Guid ToLeadProviderId, DateOnly ChangedOn) : ITeacherEvent;

/// The lead provider API shows "cohort_changed_after_payments_frozen" from this.
public sealed record CohortChangedAfterPaymentsFrozen(Guid TeacherId, TeacherRole Role, int FrozenYear, int NewYear, DateOnly ChangedOn) : ITeacherEvent;

/// On the mentee's stream.
public sealed record MentorshipStarted(
    Guid TeacherId, int MentorshipId, int EctPeriodId, Guid MentorId, int MentorPeriodId, DateOnly StartedOn, DateOnly? FinishedOn) : ITeacherEvent;

public sealed record MentorshipFinished(Guid TeacherId, int MentorshipId, DateOnly FinishedOn) : ITeacherEvent;

public sealed record MentorshipRemoved(Guid TeacherId, int MentorshipId, DateOnly RemovedOn) : ITeacherEvent;

/// On the mentor's stream, mirroring the mentee's; identified by (mentee, mentorship id).
public sealed record MentoringStarted(
    Guid TeacherId, Guid MenteeId, int MentorshipId, int MentorPeriodId, DateOnly StartedOn, DateOnly? FinishedOn) : ITeacherEvent;

public sealed record MentoringFinished(Guid TeacherId, Guid MenteeId, int MentorshipId, DateOnly FinishedOn) : ITeacherEvent;

public sealed record MentoringRemoved(Guid TeacherId, Guid MenteeId, int MentorshipId, DateOnly RemovedOn) : ITeacherEvent;

public sealed record TeacherEmailChanged(Guid TeacherId, TeacherRole Role, int AtSchoolPeriodId, [PersonalData] string Email, DateOnly ChangedOn) : ITeacherEvent;

public sealed record EctWorkingPatternChanged(Guid TeacherId, int EctPeriodId, WorkingPattern WorkingPattern, DateOnly ChangedOn) : ITeacherEvent;

public sealed record TeacherNameCorrected(Guid TeacherId, [PersonalData] string Name, DateOnly CorrectedOn) : ITeacherEvent;

public sealed record InductionPeriodOpened(Guid TeacherId, int InductionPeriodId, Guid AppropriateBodyId, DateOnly StartedOn, TrainingProgramme Programme) : ITeacherEvent;

/// Released by the appropriate body without an outcome; another body may claim the teacher later.
public sealed record InductionPeriodClosed(Guid TeacherId, int InductionPeriodId, DateOnly FinishedOn, decimal NumberOfTerms) : ITeacherEvent;

public sealed record InductionOutcomeRecorded(
    Guid TeacherId, int InductionPeriodId, InductionOutcome Outcome, DateOnly FinishedOn, decimal NumberOfTerms, DateOnly? FailConfirmationSentOn) : ITeacherEvent;

public sealed record InductionExtensionAdded(Guid TeacherId, int ExtensionId, Guid AppropriateBodyId, decimal NumberOfTerms, DateOnly AddedOn) : ITeacherEvent;

public sealed record TeacherFundingEligibilitySet(Guid TeacherId, TeacherRole Role, DateOnly EligibleOn) : ITeacherEvent;

public sealed record TeacherBecameIneligibleForFunding(Guid TeacherId, TeacherRole Role, DateOnly IneligibleOn, MentorIneligibilityReason? Reason) : ITeacherEvent;

/// On the duplicate: it takes no more commands.
public sealed record TeacherMerged(Guid TeacherId, Guid IntoTeacherId, DateOnly MergedOn) : ITeacherEvent;

/// On the teacher kept: the duplicate's history, renumbered into this stream's period ids (NewIds maps the
/// duplicate's id to the new one). The moved periods carry no email: emails sit apart in Emails, keyed by the
/// new ECT or mentor period id, so they are sealed with this teacher's key and erased with them.
public sealed record TeacherHistoryMerged(
    Guid TeacherId, Guid FromTeacherId,
    IReadOnlyList<EctAtSchoolPeriod> EctPeriods, IReadOnlyList<MentorAtSchoolPeriod> MentorPeriods, IReadOnlyList<TrainingPeriod> TrainingPeriods,
    IReadOnlyList<Mentorship> Mentorships, IReadOnlyList<Mentoring> Mentorings,
    IReadOnlyList<InductionPeriod> InductionPeriods, IReadOnlyList<InductionExtension> InductionExtensions,
    IReadOnlyDictionary<int, int> NewIds, [PersonalData] IReadOnlyDictionary<int, string>? Emails, DateOnly MergedOn) : ITeacherEvent;

/// On the duplicate: its periods, inductions and extensions now belong to the teacher kept.
public sealed record TeacherHistoryMoved(Guid TeacherId, Guid IntoTeacherId, DateOnly MovedOn) : ITeacherEvent;

/// On the teacher kept: lead providers see the old participant id as changed to this one.
public sealed record TeacherIdChanged(Guid TeacherId, Guid FromTeacherId, DateOnly ChangedOn) : ITeacherEvent;

/// The caller deletes the stream's key after appending this, so every personal field reads as erased.
public sealed record TeacherPersonalDataErased(Guid TeacherId, ErasureReason Reason, DateOnly ErasedOn) : ITeacherEvent;

public sealed record EctStartDateCorrected(
    Guid TeacherId, int EctPeriodId, DateOnly FromStartedOn, DateOnly ToStartedOn, string Reason, string? SupportTicket) : ITeacherEvent;

public sealed record LeavingDateCorrected(
    Guid TeacherId, TeacherRole Role, int AtSchoolPeriodId, DateOnly? FromFinishedOn, DateOnly ToFinishedOn, string Reason, string? SupportTicket) : ITeacherEvent;

public static class TeacherEvents
{
    public static EventTypeRegistry Register(EventTypeRegistry registry) => registry
        .Map<TeacherRegisteredAsEct>("teacher_registered_as_ect")
        .Map<TeacherRegisteredAsMentor>("teacher_registered_as_mentor")
        .Map<TeacherLeftSchoolAsEct>("teacher_left_school_as_ect")
        .Map<TeacherLeftSchoolAsMentor>("teacher_left_school_as_mentor")
        .Map<EctAtSchoolPeriodRemoved>("teacher_ect_at_school_period_removed")
        .Map<MentorAtSchoolPeriodRemoved>("teacher_mentor_at_school_period_removed")
        .Map<EctAtSchoolPeriodMovedSchool>("teacher_ect_at_school_period_moved_school")
        .Map<MentorAtSchoolPeriodMovedSchool>("teacher_mentor_at_school_period_moved_school")
        .Map<MentorAtSchoolPeriodsMerged>("teacher_mentor_at_school_periods_merged")
        .Map<TrainingPeriodPartnershipRecreated>("teacher_training_period_partnership_recreated")
        .Map<TrainingPeriodStarted>("teacher_starts_training_period")
        .Map<TrainingPeriodFinished>("teacher_finishes_training_period")
        .Map<TrainingPeriodRemoved>("teacher_training_period_removed")
        .Map<TrainingPeriodDeferred>("teacher_defers_training_period")
        .Map<TrainingPeriodWithdrawn>("teacher_withdraws_training_period")
        .Map<TrainingProgrammeChanged>("teacher_training_programme_updated")
        .Map<TrainingLeadProviderChanged>("teacher_training_lead_provider_updated")
        .Map<CohortChangedAfterPaymentsFrozen>("teacher_cohort_changed_after_payments_frozen")
        .Map<MentorshipStarted>("teacher_starts_being_mentored")
        .Map<MentorshipFinished>("teacher_finishes_being_mentored")
        .Map<MentorshipRemoved>("teacher_mentorship_removed")
        .Map<MentoringStarted>("teacher_starts_mentoring")
        .Map<MentoringFinished>("teacher_finishes_mentoring")
        .Map<MentoringRemoved>("teacher_mentoring_removed")
        .Map<TeacherEmailChanged>("teacher_email_address_updated")
        .Map<EctWorkingPatternChanged>("teacher_working_pattern_updated")
        .Map<TeacherNameCorrected>("teacher_name_updated_by_user")
        .Map<InductionPeriodOpened>("induction_period_opened")
        .Map<InductionPeriodClosed>("induction_period_closed")
        .Map<InductionOutcomeRecorded>("teacher_induction_outcome_recorded")
        .Map<InductionExtensionAdded>("induction_extension_created")
        .Map<TeacherFundingEligibilitySet>("teacher_funding_eligibility_set")
        .Map<TeacherBecameIneligibleForFunding>("teacher_became_ineligible_for_funding")
        .Map<TeacherMerged>("teacher_merged")
        .Map<TeacherIdChanged>("teacher_id_changed")
        .Map<TeacherHistoryMerged>("teacher_history_merged")
        .Map<TeacherHistoryMoved>("teacher_history_moved")
        .Map<TeacherPersonalDataErased>("teacher_personal_data_erased")
        .Map<EctStartDateCorrected>("teacher_ect_start_date_corrected")
        .Map<LeavingDateCorrected>("teacher_leaving_date_corrected")
        .Map<TrainingPeriodResumed>("teacher_resumes_training_period")
        .Map<TrainingScheduleChanged>("teacher_changes_schedule_training_period");
}

/// The lead provider resumed deferred or withdrawn training: the old period keeps its status and a new one starts (ToTrainingPeriodId).
public sealed record TrainingPeriodResumed(Guid TeacherId, int FromTrainingPeriodId, int ToTrainingPeriodId, DateOnly ResumedOn) : ITeacherEvent;

/// The lead provider moved training onto another schedule (and maybe cohort). In place when From and To are the same period.
public sealed record TrainingScheduleChanged(
    Guid TeacherId, int FromTrainingPeriodId, int ToTrainingPeriodId, int ContractPeriodYear, string ScheduleIdentifier,
    Guid? PartnershipId, Guid? DeliveryPartnerId, DateOnly ChangedOn) : ITeacherEvent;
