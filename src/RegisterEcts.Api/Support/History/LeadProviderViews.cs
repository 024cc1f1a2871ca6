using System.Text.Json.Nodes;
using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.LeadProviders.Participants;
using RegisterEcts.Reference;
using RegisterEcts.Teachers;

namespace RegisterEcts.Api.Support.History;

/// <summary>Each lead provider's view of a teacher as a replay of the stream gives it, with when that view last changed.</summary>
public static class LeadProviderViews
{
    /// <summary>
    /// Folds the known events and gives each lead provider's document at the end, with the recorded time of the
    /// last event that changed it: what that provider's api_updated_at said at the end of the prefix. The search
    /// walks back from the end and stops at the change, so a long history costs a few document builds, not one per event.
    /// </summary>
    public static async Task<IReadOnlyList<LeadProviderView>> ReplayAsync(
        NpgsqlDataSource db, Guid teacherId, IReadOnlyList<RecordedEvent> known, DateOnly asOf, ReferenceData reference, CancellationToken ct)
    {
        var lookups = await Lookups.LoadAsync(db, known, reference, ct);
        if (known.Count == 0) return [];
        var histories = new ParticipantHistory[known.Count];
        var history = ParticipantHistory.Initial;
        for (var i = 0; i < known.Count; i++) histories[i] = history = ParticipantHistory.Evolve(history, known[i]);

        var built = new Dictionary<int, Dictionary<Guid, string>>();
        Dictionary<Guid, string> HashesAt(int k) => k < 0 ? [] : built.TryGetValue(k, out var hashes) ? hashes
            : built[k] = Documents(histories[k], asOf, lookups).ToDictionary(v => v.LeadProviderId, v => Convert.ToHexString(v.Hash));

        var views = Documents(histories[^1], asOf, lookups);
        var result = new List<LeadProviderView>();
        foreach (var view in views)
        {
            // The last event after which this provider's document differed from the one before it; an erasure
            // always counts, as in the projection, so providers re-sync whatever they held.
            var at = known[0].RecordedAt;
            for (var k = known.Count - 1; k >= 0; k--)
            {
                var here = HashesAt(k).GetValueOrDefault(view.LeadProviderId);
                if (known[k].Data is TeacherPersonalDataErased || here != HashesAt(k - 1).GetValueOrDefault(view.LeadProviderId))
                {
                    at = known[k].RecordedAt;
                    break;
                }
            }
            result.Add(new LeadProviderView(view.LeadProviderId, reference.LeadProviderName(view.LeadProviderId), at, JsonNode.Parse((ReadOnlySpan<byte>)view.Json)!.AsObject()));
        }
        return result.OrderBy(v => v.LeadProviderName, StringComparer.Ordinal).ToList();
    }

    // The one place a folded teacher becomes each lead provider's document: the same builder the lead provider
    // API's projection uses, so support sees exactly what a provider was (or would have been) served.
    private static IReadOnlyList<ParticipantView> Documents(ParticipantHistory history, DateOnly asOf, IParticipantLookups lookups) =>
        ParticipantDocuments.Build(history, asOf, lookups);

    /// <summary>The partnerships and school URNs the teacher's documents can show, read once before the replay.</summary>
    private sealed class Lookups(ReferenceData reference) : IParticipantLookups
    {
        private readonly Dictionary<Guid, PartnershipInfo> _partnerships = [];
        private readonly Dictionary<Guid, int> _urns = [];

        public PartnershipInfo? Partnership(Guid partnershipId) => _partnerships.GetValueOrDefault(partnershipId);

        public int? SchoolUrn(Guid schoolId) => _urns.TryGetValue(schoolId, out var urn) ? urn : null;

        public string? LeadProviderName(Guid leadProviderId) => reference.LeadProviders.TryGetValue(leadProviderId, out var provider) ? provider.Name : null;

        public static async Task<Lookups> LoadAsync(NpgsqlDataSource db, IReadOnlyList<RecordedEvent> known, ReferenceData reference, CancellationToken ct)
        {
            // Every prefix of the stream, not just the end, may name a school or partnership.
            var partnershipIds = new HashSet<Guid>();
            var schoolIds = new HashSet<Guid>();
            var state = Teacher.Initial;
            foreach (var e in known)
            {
                state = Teacher.Evolve(state, e.Data);
                foreach (var p in state.TrainingPeriods)
                {
                    schoolIds.Add(p.SchoolId);
                    if (p.ProviderLed?.PartnershipId is { } id) partnershipIds.Add(id);
                }
            }
            var lookups = new Lookups(reference);
            await using (var cmd = db.CreateCommand(
                "SELECT partnership_id, school_id, lead_provider_id, delivery_partner_id, contract_period_year FROM partnerships WHERE partnership_id = ANY($1)"))
            {
                cmd.Parameters.Add(new() { Value = partnershipIds.ToArray() });
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    lookups._partnerships[r.GetGuid(0)] = new PartnershipInfo(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetGuid(3), r.GetInt32(4));
                    schoolIds.Add(r.GetGuid(1));
                }
            }
            await using (var cmd = db.CreateCommand("SELECT school_id, urn FROM schools WHERE school_id = ANY($1)"))
            {
                cmd.Parameters.Add(new() { Value = schoolIds.ToArray() });
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) lookups._urns[r.GetGuid(0)] = r.GetInt32(1);
            }
            return lookups;
        }
    }
}
