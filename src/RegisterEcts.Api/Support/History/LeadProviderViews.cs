using System.Text.Json;
using System.Text.Json.Nodes;
using RegisterEcts.EventStore;
using RegisterEcts.Reference;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.Api.Support.History;

/// <summary>Each lead provider's view of a teacher as a replay of the stream gives it, with when that view last changed.</summary>
public static class LeadProviderViews
{
    /// <summary>
    /// Folds the known events one at a time and notes, per lead provider, the recorded time of the last event
    /// that changed its document: what that provider's api_updated_at said at the end of the prefix.
    /// </summary>
    public static IReadOnlyList<LeadProviderView> Replay(
        Guid teacherId, IReadOnlyList<RecordedEvent> known, DateOnly asOf, ReferenceData reference, IReadOnlyDictionary<Guid, SchoolRef> schools)
    {
        var state = Teacher.Initial;
        var last = new Dictionary<Guid, (string Json, DateTimeOffset At)>();
        Dictionary<Guid, JsonObject> documents = [];
        foreach (var e in known)
        {
            state = Teacher.Evolve(state, e.Data);
            documents = Documents(teacherId, state, asOf, reference, schools);
            foreach (var (provider, document) in documents)
            {
                var json = document.ToJsonString();
                if (!last.TryGetValue(provider, out var seen) || seen.Json != json) last[provider] = (json, e.RecordedAt);
            }
        }
        return documents
            .Select(d => new LeadProviderView(d.Key, reference.LeadProviderName(d.Key), last.GetValueOrDefault(d.Key).At, d.Value))
            .OrderBy(v => v.LeadProviderName, StringComparer.Ordinal).ToList();
    }

    // ──────────────────────────────────────────────────────────────────────────────────────────────
    // THE ONE PLACE where a folded teacher becomes each lead provider's document. When
    // RegisterEcts.LeadProviders.Participants.ParticipantDocuments lands, call it here instead, so the
    // support pages show exactly what the lead provider API serves.
    // ──────────────────────────────────────────────────────────────────────────────────────────────
    public static Dictionary<Guid, JsonObject> Documents(
        Guid teacherId, Teacher t, DateOnly asOf, ReferenceData reference, IReadOnlyDictionary<Guid, SchoolRef> schools)
    {
        var documents = new Dictionary<Guid, JsonObject>();
        if (!t.Exists || t.MergedInto is not null) return documents;
        foreach (var group in t.TrainingPeriods.Where(p => p.ProviderLed is not null).GroupBy(p => p.ProviderLed!.LeadProviderId))
        {
            var enrolments = new JsonArray();
            foreach (var role in group.GroupBy(p => p.Role).OrderBy(r => r.Key))
            {
                var latest = role.MaxBy(p => p.Dates.Start)!;
                var school = schools.GetValueOrDefault(latest.SchoolId);
                enrolments.Add(new JsonObject
                {
                    ["participant_type"] = role.Key == TeacherRole.Ect ? "ect" : "mentor",
                    ["school_urn"] = school?.Urn,
                    ["cohort"] = latest.ProviderLed!.ContractPeriodYear,
                    ["schedule_identifier"] = latest.ProviderLed.ScheduleIdentifier,
                    ["delivery_partner_id"] = latest.ProviderLed.DeliveryPartnerId?.ToString(),
                    ["training_status"] = JsonNamingPolicy.SnakeCaseLower.ConvertName(latest.Status.ToString()),
                    ["training_record_status"] = latest.IsConfirmed ? "confirmed" : "awaiting_partnership",
                    ["eligible_for_funding"] = t.EligibleForFunding(role.Key),
                    ["start_date"] = latest.Dates.Start.ToString("yyyy-MM-dd"),
                    ["end_date"] = latest.Dates.End?.ToString("yyyy-MM-dd"),
                    ["active_on_date"] = latest.Dates.Contains(asOf),
                });
            }
            documents[group.Key] = new JsonObject
            {
                ["id"] = teacherId.ToString(),
                ["full_name"] = t.Name,
                ["trn"] = t.Trn,
                ["participant_id_changes"] = new JsonArray(t.MergedFrom.Select(id => (JsonNode)JsonValue.Create(id.ToString())!).ToArray()),
                ["enrolments"] = enrolments,
            };
        }
        return documents;
    }
}
