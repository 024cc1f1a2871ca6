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
    /// Folds the known events one at a time and notes, per lead provider, the recorded time of the last event
    /// that changed its document: what that provider's api_updated_at said at the end of the prefix.
    /// </summary>
    public static async Task<IReadOnlyList<LeadProviderView>> ReplayAsync(
        NpgsqlDataSource db, Guid teacherId, IReadOnlyList<RecordedEvent> known, DateOnly asOf, ReferenceData reference, CancellationToken ct)
    {
        var lookups = await Lookups.LoadAsync(db, known, reference, ct);
        var history = ParticipantHistory.Initial;
        var changedAt = new Dictionary<Guid, (string Hash, DateTimeOffset At)>();
        IReadOnlyList<ParticipantView> views = [];
        foreach (var e in known)
        {
            history = ParticipantHistory.Evolve(history, e);
            views = Documents(history, asOf, lookups);
            foreach (var view in views)
            {
                var hash = Convert.ToHexString(view.Hash);
                // Erasure moves every provider's api_updated_at, as the projection does, so they re-sync whatever they held.
                if (!changedAt.TryGetValue(view.LeadProviderId, out var seen) || seen.Hash != hash || e.Data is TeacherPersonalDataErased)
                    changedAt[view.LeadProviderId] = (hash, e.RecordedAt);
            }
        }
        return views
            .Select(v => new LeadProviderView(v.LeadProviderId, reference.LeadProviderName(v.LeadProviderId), changedAt.GetValueOrDefault(v.LeadProviderId).At,
                JsonNode.Parse(v.Json)!.AsObject()))
            .OrderBy(v => v.LeadProviderName, StringComparer.Ordinal).ToList();
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
