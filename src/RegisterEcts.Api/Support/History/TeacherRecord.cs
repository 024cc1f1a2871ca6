using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.Api.Support.History;

/// <summary>What our records held about a teacher after some prefix of their stream: facts only, nothing evaluated on a date.</summary>
public sealed record TeacherRecord(
    Guid TeacherId,
    bool Registered,
    string Trn,
    string Name,
    bool Erased,
    Guid? MergedInto,
    IReadOnlyList<Guid> MergedFrom,
    IReadOnlyList<RecordPeriod> EctAtSchoolPeriods,
    IReadOnlyList<RecordPeriod> MentorAtSchoolPeriods,
    IReadOnlyList<RecordTraining> TrainingPeriods,
    IReadOnlyList<RecordMentorship> Mentorships,
    IReadOnlyList<RecordInduction> InductionPeriods)
{
    public static TeacherRecord From(Guid id, Teacher t) => new(
        id, t.Exists, t.Trn, t.Name, t.Erased, t.MergedInto, t.MergedFrom,
        t.EctPeriods.OrderBy(p => p.Dates.Start).Select(p => new RecordPeriod(p.Id, p.SchoolId, p.Dates.Start, p.Dates.End, p.Email, p.WorkingPattern, p.AppropriateBodyId)).ToList(),
        t.MentorPeriods.OrderBy(p => p.Dates.Start).Select(p => new RecordPeriod(p.Id, p.SchoolId, p.Dates.Start, p.Dates.End, p.Email, null, null)).ToList(),
        t.TrainingPeriods.OrderBy(p => p.Dates.Start).ThenBy(p => p.Id).Select(p => new RecordTraining(
            p.Id, p.Role, p.AtSchoolPeriodId, p.SchoolId, p.Dates.Start, p.Dates.End, p.Programme, p.ProviderLed?.LeadProviderId,
            p.ProviderLed?.DeliveryPartnerId, p.ProviderLed?.ContractPeriodYear, p.ProviderLed?.ScheduleIdentifier, p.ProviderLed?.PartnershipId,
            p.Status, p.DeferralReason, p.WithdrawalReason)).ToList(),
        [
            .. t.Mentorships.Select(m => new RecordMentorship(m.Id, m.MentorId, id, m.Dates.Start, m.Dates.End)),
            .. t.Mentorings.Select(m => new RecordMentorship(m.MentorshipId, id, m.MenteeId, m.Dates.Start, m.Dates.End)),
        ],
        t.InductionPeriods.OrderBy(p => p.Dates.Start).Select(p => new RecordInduction(
            p.Id, p.AppropriateBodyId, p.Dates.Start, p.Dates.End, p.Programme, p.NumberOfTerms, p.Outcome)).ToList());
}

public sealed record RecordPeriod(int Id, Guid SchoolId, DateOnly StartedOn, DateOnly? FinishedOn, string? Email, WorkingPattern? WorkingPattern, Guid? AppropriateBodyId);

public sealed record RecordTraining(
    int Id, TeacherRole Role, int AtSchoolPeriodId, Guid SchoolId, DateOnly StartedOn, DateOnly? FinishedOn, TrainingProgramme TrainingProgramme,
    Guid? LeadProviderId, Guid? DeliveryPartnerId, int? ContractPeriodYear, string? Schedule, Guid? PartnershipId,
    TrainingStatus Status, DeferralReason? DeferralReason, WithdrawalReason? WithdrawalReason);

public sealed record RecordMentorship(int Id, Guid MentorTeacherId, Guid MenteeTeacherId, DateOnly StartedOn, DateOnly? FinishedOn);

public sealed record RecordInduction(int Id, Guid AppropriateBodyId, DateOnly StartedOn, DateOnly? FinishedOn, TrainingProgramme InductionProgramme, decimal? NumberOfTerms, InductionOutcome? Outcome);

/// <summary>One field that differs between two versions of a record. Personal fields are flagged so pages can treat them with care.</summary>
public sealed record FieldChange(string Field, string? From, string? To, bool Personal);

/// <summary>
/// Field-by-field differences between two JSON shapes. Lists of things with an id are compared by id, so a
/// period inserted before another reads as one added period, not as every later period changing.
/// </summary>
public static class FieldDiff
{
    // The fields [PersonalData] seals in the events; everything else is a fact that survives erasure.
    private static readonly HashSet<string> PersonalFields = ["name", "email"];

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static IReadOnlyList<FieldChange> Between<T>(T? before, T? after) => Compare(Flatten(before), Flatten(after));

    private static List<FieldChange> Compare(Dictionary<string, string?> from, Dictionary<string, string?> to)
    {
        var changes = new List<FieldChange>();
        foreach (var key in from.Keys.Union(to.Keys))
        {
            var a = from.GetValueOrDefault(key);
            var b = to.GetValueOrDefault(key);
            if (a != b) changes.Add(new FieldChange(key, a, b, PersonalFields.Contains(LastSegment(key))));
        }
        return changes;
    }

    private static string LastSegment(string path) => path[(path.LastIndexOf('.') + 1)..];

    private static Dictionary<string, string?> Flatten<T>(T? value)
    {
        var node = value is null ? null : JsonSerializer.SerializeToNode(value, Json);
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        Walk(node, "", fields);
        return fields;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, string?> fields)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj) Walk(value, path.Length == 0 ? key : $"{path}.{key}", fields);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var item = array[i];
                    var label = item is JsonObject o && o["id"] is JsonValue id ? id.ToJsonString().Trim('"') : i.ToString(CultureInfo.InvariantCulture);
                    Walk(item, $"{path}[{label}]", fields);
                }
                break;
            case JsonValue value:
                fields[path] = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                break;
            case null when path.Length > 0:
                fields[path] = null;
                break;
        }
    }
}
