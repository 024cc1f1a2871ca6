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
                    Insert(context, c.PartnershipId, c.SchoolId, c.LeadProviderId, c.DeliveryPartnerId, c.ContractPeriodYear, c.CreatedOn);
                    break;
                case SchoolPartnershipRecreated c:
                    Insert(context, c.PartnershipId, c.SchoolId, c.LeadProviderId, c.DeliveryPartnerId, c.ContractPeriodYear, c.RecreatedOn);
                    break;
                case SchoolPartnershipDeliveryPartnerChanged d:
                    // In a rebuild too: the page's copies run before its statements, so this finds a row the same page copied.
                    context.Enqueue("UPDATE partnerships SET delivery_partner_id = $2 WHERE partnership_id = $1", d.PartnershipId, d.ToDeliveryPartnerId);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    /// A rebuild copies the rows (an INSERT each was 5,400 statements in a rebuild of 20,000 careers); a partnership id
    /// inserted twice fails in the copy as it would in the INSERT.
    private static void Insert(ProjectionContext context, Guid partnershipId, Guid schoolId, Guid leadProviderId, Guid deliveryPartnerId, int year, DateOnly createdOn)
    {
        if (context.IsRebuild) context.Copy("partnerships", Columns).Add(partnershipId, schoolId, leadProviderId, deliveryPartnerId, year, createdOn);
        else context.Enqueue(
            "INSERT INTO partnerships (partnership_id, school_id, lead_provider_id, delivery_partner_id, contract_period_year, created_on) VALUES ($1, $2, $3, $4, $5, $6)",
            partnershipId, schoolId, leadProviderId, deliveryPartnerId, year, createdOn);
    }

    private static readonly (string, NpgsqlTypes.NpgsqlDbType)[] Columns =
    [
        ("partnership_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("school_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("lead_provider_id", NpgsqlTypes.NpgsqlDbType.Uuid),
        ("delivery_partner_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("contract_period_year", NpgsqlTypes.NpgsqlDbType.Integer), ("created_on", NpgsqlTypes.NpgsqlDbType.Date),
    ];

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
