using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.LeadProviders.Participants;

/// <summary>The v3 participant attributes one lead provider sees (rect-api-v3.md §3.1), without updated_at, which is the row's.</summary>
public sealed record ParticipantDocument(
    string FullName,
    string TeacherReferenceNumber,
    IReadOnlyList<ParticipantIdChangeDocument> ParticipantIdChanges,
    IReadOnlyList<EcfEnrolment> EcfEnrolments);

public sealed record ParticipantIdChangeDocument(Guid FromParticipantId, Guid ToParticipantId, DateTimeOffset ChangedAt);

public sealed record StatusChangeDocument(string Reason, DateOnly Date);

public sealed record EcfEnrolment(
    Guid TrainingRecordId,
    string? Email,
    Guid? MentorId,
    string? SchoolUrn,
    string ParticipantType,
    string? WorkingPattern,
    string Cohort,
    string TrainingStatus,
    string ParticipantStatus,
    bool? EligibleForFunding,
    bool PupilPremiumUplift,
    bool SparsityUplift,
    string ScheduleIdentifier,
    Guid? DeliveryPartnerId,
    StatusChangeDocument? Withdrawal,
    StatusChangeDocument? Deferral,
    DateTimeOffset CreatedAt,
    DateOnly? InductionEndDate,
    DateOnly? OverallInductionStartDate,
    DateOnly? MostRecentInductionPeriodEndDate,
    DateOnly? MentorFundingEndDate,
    string? MentorIneligibleForFundingReason,
    bool CohortChangedAfterPaymentsFrozen);

/// <summary>
/// A provider's document, what the API filters on, and the next day on which the calendar alone could change it. The document is
/// kept only as its UTF-8 JSON, the form it is hashed, compared and copied in: a rebuild holds every provider's document of every
/// teacher until it completes, and the records and UTF-16 string it was also kept as were a third of a full rebuild's live heap.
/// </summary>
public sealed record ParticipantView(
    Guid LeadProviderId,
    byte[] Json,
    byte[] Hash,
    DateOnly? NextChangeOn,
    int[] Cohorts,
    string[] TrainingStatuses,
    Guid[] SchoolIds,
    Guid[] PartnershipIds,
    Mentorship? EctMentorship);

public sealed record PartnershipInfo(Guid PartnershipId, Guid SchoolId, Guid LeadProviderId, Guid DeliveryPartnerId, int ContractPeriodYear);

/// <summary>Facts from other streams that a participant document shows.</summary>
public interface IParticipantLookups
{
    PartnershipInfo? Partnership(Guid partnershipId);
    int? SchoolUrn(Guid schoolId);
    string? LeadProviderName(Guid leadProviderId);
}

public static class ParticipantDocuments
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new ApiTimestamp() },
    };

    /// <summary>Timestamps as the v3 API writes them everywhere: UTC, milliseconds, Z.</summary>
    private sealed class ApiTimestamp : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Every lead provider's document for this teacher as of a date. A provider sees the teacher once a training
    /// period of theirs is confirmed by a partnership (EOI-only and school-led periods do not count), and keeps
    /// seeing their latest such period per role after the teacher moves on.
    /// </summary>
    public static IReadOnlyList<ParticipantView> Build(ParticipantHistory history, DateOnly asOf, IParticipantLookups lookups)
    {
        var teacher = history.Teacher;
        if (!teacher.Exists || teacher.MergedInto is not null) return [];
        var confirmed = Confirmed(teacher);
        var views = new List<ParticipantView>();
        foreach (var providerId in confirmed.Select(p => p.ProviderLed!.LeadProviderId).Distinct().Order())
        {
            var enrolments = new List<EcfEnrolment>();
            var boundaries = new List<DateOnly>();
            var partnerships = new List<Guid>();
            var schools = new List<Guid>();
            var statuses = new List<string>();
            var cohorts = new List<int>();
            Mentorship? ectMentorship = null;
            foreach (var role in new[] { TeacherRole.Ect, TeacherRole.Mentor })
            {
                var latest = confirmed.Where(p => p.Role == role && p.ProviderLed!.LeadProviderId == providerId).MaxBy(p => p.Dates.Start);
                if (latest is null) continue;
                var partnership = lookups.Partnership(latest.ProviderLed!.PartnershipId!.Value);
                var schoolId = partnership?.SchoolId ?? latest.SchoolId;
                partnerships.Add(latest.ProviderLed.PartnershipId.Value);
                schools.Add(schoolId);
                schools.Add(latest.SchoolId);
                statuses.Add(Snake(latest.Status));
                cohorts.Add(latest.ProviderLed.ContractPeriodYear);
                enrolments.Add(Enrolment(history, latest, role, asOf, lookups.SchoolUrn(schoolId), partnership?.DeliveryPartnerId ?? latest.ProviderLed.DeliveryPartnerId, boundaries,
                    out var mentorship));
                if (role == TeacherRole.Ect) ectMentorship = mentorship;
            }
            var document = new ParticipantDocument(
                teacher.Erased ? PersonalData.Erased : teacher.DisplayName, teacher.Trn,
                history.IdChanges.Select(c => new ParticipantIdChangeDocument(c.FromParticipantId, c.ToParticipantId, c.ChangedAt)).ToList(),
                enrolments);
            var json = JsonSerializer.SerializeToUtf8Bytes(document, Json);
            views.Add(new ParticipantView(providerId, json, SHA256.HashData(json),
                boundaries.Where(d => d > asOf).Order().Cast<DateOnly?>().FirstOrDefault(),
                cohorts.Distinct().ToArray(), statuses.Distinct().ToArray(), schools.Distinct().ToArray(), partnerships.Distinct().ToArray(), ectMentorship));
        }
        return views;
    }

    /// <summary>
    /// The lead providers <see cref="Build"/> makes a document for, without making them: each document is serialised and hashed,
    /// and a mentor's unfunded documents need only to know who trains the mentor. Making the mentors' documents for that cost a
    /// rebuild at 20,000 careers about 0.2 s of CPU.
    /// </summary>
    public static IEnumerable<Guid> LeadProviders(ParticipantHistory history) =>
        !history.Teacher.Exists || history.Teacher.MergedInto is not null
            ? []
            : Confirmed(history.Teacher).Select(p => p.ProviderLed!.LeadProviderId).Distinct();

    private static List<TrainingPeriod> Confirmed(Teacher teacher) => teacher.TrainingPeriods.Where(p => p.ProviderLed?.PartnershipId is not null).ToList();

    private static EcfEnrolment Enrolment(
        ParticipantHistory history, TrainingPeriod period, TeacherRole role, DateOnly asOf, int? urn, Guid? deliveryPartnerId, List<DateOnly> boundaries,
        out Mentorship? currentMentorship)
    {
        currentMentorship = null;
        var teacher = history.Teacher;
        var ect = role == TeacherRole.Ect;
        var inductions = teacher.InductionPeriods;
        var completedOn = inductions.Where(p => p.Outcome is not null).Select(p => p.Dates.End).Min();

        Guid? mentorId = null;
        if (ect)
        {
            var current = teacher.Mentorships.Where(m => m.EctPeriodId == period.AtSchoolPeriodId && m.Dates.IsCurrentOrFuture(asOf)).MinBy(m => m.Dates.Start);
            mentorId = current?.MentorId;
            currentMentorship = current;
            // "Current or next" changes the day after a mentorship ends.
            boundaries.AddRange(teacher.Mentorships.Where(m => m.EctPeriodId == period.AtSchoolPeriodId && m.Dates.End is not null)
                .Select(m => m.Dates.End!.Value.AddDays(1)));
        }
        boundaries.Add(period.Dates.Start);
        if (period.Dates.End is { } end) boundaries.Add(end);

        var email = ect
            ? teacher.EctPeriods.FirstOrDefault(p => p.Id == period.AtSchoolPeriodId)?.Email
            : teacher.MentorPeriods.FirstOrDefault(p => p.Id == period.AtSchoolPeriodId)?.Email;
        // Read as a replay after erasure reads it: the key is deleted only after the erasure is appended.
        if (teacher.Erased && email is not null) email = PersonalData.Erased;
        var workingPattern = ect ? teacher.EctPeriods.MaxBy(p => p.Dates.Start)?.WorkingPattern : null;
        var mentorIneligibleOn = teacher.MentorIneligibleForFundingOn;

        return new EcfEnrolment(
            TrainingRecordId: history.TrainingRecordId(role),
            Email: email,
            MentorId: mentorId,
            SchoolUrn: urn?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ParticipantType: ect ? "ect" : "mentor",
            WorkingPattern: workingPattern is { } w ? Snake(w) : null,
            Cohort: period.ProviderLed!.ContractPeriodYear.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TrainingStatus: Snake(period.Status),
            ParticipantStatus: ParticipantStatus(period, asOf, ect ? completedOn : null, ect ? null : mentorIneligibleOn),
            EligibleForFunding: teacher.EligibleForFunding(role),
            PupilPremiumUplift: false,
            SparsityUplift: false,
            ScheduleIdentifier: period.ProviderLed.ScheduleIdentifier,
            DeliveryPartnerId: deliveryPartnerId,
            Withdrawal: period.Status == TrainingStatus.Withdrawn
                ? new(Dash(period.WithdrawalReason), history.WithdrawnOn.GetValueOrDefault(period.Id, period.Dates.End ?? period.Dates.Start)) : null,
            Deferral: period.Status == TrainingStatus.Deferred
                ? new(Dash(period.DeferralReason), history.DeferredOn.GetValueOrDefault(period.Id, period.Dates.End ?? period.Dates.Start)) : null,
            CreatedAt: history.FirstRegisteredAt.GetValueOrDefault(role),
            InductionEndDate: ect ? completedOn : null,
            OverallInductionStartDate: ect && inductions.Count > 0 ? inductions.Min(p => p.Dates.Start) : null,
            MostRecentInductionPeriodEndDate: ect ? inductions.Where(p => p.Dates.End is not null).Max(p => p.Dates.End) : null,
            MentorFundingEndDate: ect ? null : mentorIneligibleOn,
            MentorIneligibleForFundingReason: ect || teacher.MentorIneligibilityReason is not { } reason ? null : Snake(reason),
            CohortChangedAfterPaymentsFrozen: (ect ? teacher.EctPaymentsFrozenYear : teacher.MentorPaymentsFrozenYear) is not null);
    }

    /// <summary>rect-domain.md §5.2, in its order. "Completed" shows as active.</summary>
    public static string ParticipantStatus(TrainingPeriod period, DateOnly asOf, DateOnly? inductionCompletedOn, DateOnly? mentorIneligibleOn)
    {
        var end = period.Dates.End;
        if (period.Status is TrainingStatus.Withdrawn or TrainingStatus.Deferred)
            return end > asOf ? "leaving" : "left";
        var finish = end ?? DateOnly.MaxValue;
        if (inductionCompletedOn <= finish || mentorIneligibleOn <= finish) return "active";
        if (end is { } e) return e > asOf ? "leaving" : "left";
        return period.Dates.Start > asOf ? "joining" : "active";
    }

    /// <summary>Stable per teacher and role, as the reference's api_*_training_record_id.</summary>
    public static Guid TrainingRecordId(Guid teacherId, TeacherRole role)
    {
        Span<byte> input = stackalloc byte[17];
        teacherId.TryWriteBytes(input);
        input[16] = (byte)role;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16]);
    }

    private static string Snake<T>(T value) where T : struct, Enum => Names<T>.Snake[value];

    private static string Dash<T>(T? value) where T : struct, Enum => value is { } v ? Names<T>.Kebab[v] : "other";

    /// <summary>Each value's name as the documents spell it, made once rather than on every document built.</summary>
    private static class Names<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> Snake = Enum.GetValues<T>().ToDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));
        public static readonly Dictionary<T, string> Kebab = Enum.GetValues<T>().ToDictionary(v => v, v => JsonNamingPolicy.KebabCaseLower.ConvertName(v.ToString()));
    }
}
