namespace RegisterEcts.Shared;

public enum TeacherRole { Ect, Mentor }

public enum TrainingProgramme { ProviderLed, SchoolLed }

public enum WorkingPattern { PartTime, FullTime }

public enum InductionOutcome { Pass, Fail }

/// Kept on the teacher as it changes, so nobody recomputes it per request.
public enum InductionStatus { None, InProgress, Paused, Passed, Failed }

public enum TrainingStatus { Active, Deferred, Withdrawn }

public enum DeferralReason { Bereavement, LongTermSickness, ParentalLeave, CareerBreak, Other }

public enum WithdrawalReason { LeftTeachingProfession, MovedSchool, MentorNoLongerBeingMentor, SwitchedToSchoolLed, ChangedLeadProvider, Other }

public enum MentorIneligibilityReason { CompletedDeclarationReceived, CompletedDuringEarlyRollOut, StartedNotCompleted }

public enum AppropriateBodyType { LocalAuthority, National, TeachingSchoolHub }

public enum ErasureReason { RegisteredInError, TeacherRecordMerged, RightToErasure }
