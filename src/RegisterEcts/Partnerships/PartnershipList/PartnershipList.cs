using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;

namespace RegisterEcts.Partnerships.PartnershipList;

/// partnerships: a school's partnerships, which teacher commands are given so Decide can pick one.
public sealed class PartnershipListProjection : IProjection
{
    public string Name => "partnerships";

    public IReadOnlyList<string> Tables => ["partnerships"];

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case SchoolPartnershipCreated c:
                    context.Enqueue(
                        "INSERT INTO partnerships (partnership_id, school_id, lead_provider_id, delivery_partner_id, contract_period_year, created_on) VALUES ($1, $2, $3, $4, $5, $6)",
                        c.PartnershipId, c.SchoolId, c.LeadProviderId, c.DeliveryPartnerId, c.ContractPeriodYear, c.CreatedOn);
                    break;
                case SchoolPartnershipRecreated c:
                    context.Enqueue(
                        "INSERT INTO partnerships (partnership_id, school_id, lead_provider_id, delivery_partner_id, contract_period_year, created_on) VALUES ($1, $2, $3, $4, $5, $6)",
                        c.PartnershipId, c.SchoolId, c.LeadProviderId, c.DeliveryPartnerId, c.ContractPeriodYear, c.RecreatedOn);
                    break;
                case SchoolPartnershipDeliveryPartnerChanged d:
                    context.Enqueue("UPDATE partnerships SET delivery_partner_id = $2 WHERE partnership_id = $1", d.PartnershipId, d.ToDeliveryPartnerId);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    /// Oldest first: the earliest partnership wins when a school has several.
    public static async Task<IReadOnlyList<SchoolPartnership>> ForSchoolAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "SELECT partnership_id, school_id, lead_provider_id, delivery_partner_id, contract_period_year FROM partnerships WHERE school_id = $1 ORDER BY created_on, partnership_id");
        cmd.Parameters.Add(new() { Value = schoolId });
        var rows = new List<SchoolPartnership>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetGuid(3), r.GetInt32(4)));
        return rows;
    }
}
