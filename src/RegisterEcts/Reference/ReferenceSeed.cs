using System.Text.Json;
using System.Text.Json.Serialization;
using RegisterEcts.Shared;

namespace RegisterEcts.Reference;

/// Turns the hand-edited reference file (samples/reference/reference-data.json) into reference
/// events for RegisterReferenceData. Ids in the file are permanent: events and partnerships point
/// at them, so renaming a provider edits its name, never its id.
public static class ReferenceSeed
{
    public static string DefaultPath(string repositoryRoot) =>
        Path.Combine(repositoryRoot, "samples", "reference", "reference-data.json");

    public static readonly IReadOnlyList<string> ScheduleIdentifiers =
        [.. from kind in new[] { "standard", "extended", "reduced", "replacement" }
            from month in new[] { "september", "january", "april" }
            select $"ecf-{kind}-{month}"];

    /// The declaration types in the order the reference service enumerates them.
    public static readonly IReadOnlyList<string> DeclarationTypes =
        ["started", "retained-1", "retained-2", "retained-3", "retained-4", "completed", "extended-1", "extended-2", "extended-3"];

    /// Ordered so that RegisterReferenceData.Decide accepts every event: what an event refers to
    /// (lead provider, delivery partner, contract period, activation) always comes before it.
    /// Throws InvalidDataException naming the offending entry.
    public static IReadOnlyList<object> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ReferenceFile file;
        try
        {
            file = JsonSerializer.Deserialize(json, ReferenceSeedJson.Default.ReferenceFile)
                ?? throw new InvalidDataException("Reference data is empty (the file holds null)");
        }
        catch (JsonException e)
        {
            // The serializer's message carries the JSON path and line, which is what someone editing by hand needs.
            var where = e.Message.Contains("Path:", StringComparison.Ordinal) || e.Path is null ? "" : $" Path: {e.Path} | LineNumber: {e.LineNumber}";
            throw new InvalidDataException($"Reference data is malformed: {e.Message}{where}", e);
        }

        var leadProviders = Named(file.LeadProviders, "lead provider", e => (e.Id, e.Name));
        var deliveryPartners = Named(file.DeliveryPartners, "delivery partner", e => (e.Id, e.Name));

        var events = new List<object>();
        events.AddRange(file.LeadProviders.Select(e => new LeadProviderRegistered(e.Id, e.Name)));
        events.AddRange(file.DeliveryPartners.Select(e => new DeliveryPartnerRegistered(e.Id, e.Name)));

        var years = new HashSet<int>();
        foreach (var p in file.ContractPeriods)
        {
            if (!years.Add(p.Year)) throw Bad($"contract period {p.Year} appears twice");
            if (p.Year < 2020) throw Bad($"contract period {p.Year}: the year must be 2020 or later");
            if (p.FinishedOn < p.StartedOn) throw Bad($"contract period {p.Year}: finished_on {p.FinishedOn:yyyy-MM-dd} is before started_on {p.StartedOn:yyyy-MM-dd}");
            events.Add(new ContractPeriodRegistered(p.Year, p.StartedOn, p.FinishedOn, p.Enabled, p.PaymentsFrozenOn,
                p.MentorFundingEnabled, p.DetailedEvidenceTypesEnabled, p.UpliftFeesEnabled));
        }

        var activations = new List<object>();
        var pairings = new List<object>();
        var pairingIds = new HashSet<Guid>();
        foreach (var p in file.ContractPeriods)
        {
            var activeThisYear = new HashSet<Guid>();
            foreach (var lp in p.LeadProviders)
            {
                var where = $"contract period {p.Year}, lead provider '{lp.Name}'";
                var lpId = Resolve(leadProviders, lp.Name, where, "lead provider");
                if (!activeThisYear.Add(lpId)) throw Bad($"{where} is listed twice");
                activations.Add(new LeadProviderActivatedForContractPeriod(lpId, p.Year));
                var partnersThisYear = new HashSet<Guid>();
                foreach (var dp in lp.DeliveryPartners)
                {
                    var dpWhere = $"{where}, delivery partner '{dp.Name}'";
                    var dpId = Resolve(deliveryPartners, dp.Name, dpWhere, "delivery partner");
                    if (!partnersThisYear.Add(dpId)) throw Bad($"{dpWhere} is listed twice");
                    if (dp.PartnershipId == Guid.Empty || !pairingIds.Add(dp.PartnershipId))
                        throw Bad($"{dpWhere}: partnership_id {dp.PartnershipId} is empty or used twice");
                    pairings.Add(new LeadProviderDeliveryPartnershipAdded(dp.PartnershipId, lpId, dpId, p.Year));
                }
            }
        }
        events.AddRange(activations);
        events.AddRange(pairings);

        foreach (var p in file.ContractPeriods)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in p.Schedules)
            {
                var where = $"contract period {p.Year}, schedule '{s.Identifier}'";
                if (!ScheduleIdentifiers.Contains(s.Identifier)) throw Bad($"{where}: not one of {string.Join(", ", ScheduleIdentifiers)}");
                if (!seen.Add(s.Identifier)) throw Bad($"{where} is listed twice");
                events.Add(new ScheduleRegistered(p.Year, s.Identifier, Milestones(p.Year, s, where)));
            }
        }

        var bodyIds = new HashSet<Guid>();
        var bodyNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var b in file.AppropriateBodies)
        {
            var where = $"appropriate body '{b.Name}'";
            if (string.IsNullOrWhiteSpace(b.Name)) throw Bad("an appropriate body has no name");
            if (b.Id == Guid.Empty || !bodyIds.Add(b.Id)) throw Bad($"{where}: id {b.Id} is empty or used twice");
            if (!bodyNames.Add(b.Name)) throw Bad($"{where} is listed twice");
            events.Add(new AppropriateBodyRegistered(b.Id, b.Name, BodyType(b.Type, where), b.Active));
        }
        return events;
    }

    private static Dictionary<string, Guid> Named<T>(IReadOnlyList<T> entries, string kind, Func<T, (Guid Id, string Name)> key)
    {
        // Names are what the rest of the file refers to, so they must be unique regardless of case;
        // ids must be unique because events carry them.
        var byName = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        var ids = new HashSet<Guid>();
        foreach (var (id, name) in entries.Select(key))
        {
            if (string.IsNullOrWhiteSpace(name)) throw Bad($"a {kind} has no name");
            if (id == Guid.Empty || !ids.Add(id)) throw Bad($"{kind} '{name}': id {id} is empty or used twice");
            if (!byName.TryAdd(Squish(name), id)) throw Bad($"{kind} '{name}' is listed twice");
        }
        return byName;
    }

    private static Guid Resolve(Dictionary<string, Guid> byName, string name, string where, string kind) =>
        byName.TryGetValue(Squish(name), out var id) ? id : throw Bad($"{where}: no {kind} has that name");

    private static string Squish(string name) => string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static IReadOnlyList<Milestone> Milestones(int year, ScheduleEntry s, string where)
    {
        var extended = s.Identifier.StartsWith("ecf-extended-", StringComparison.Ordinal);
        var allowed = extended ? DeclarationTypes : DeclarationTypes.Take(6).ToList();
        List<Milestone> milestones = (s.StartDate, s.Milestones) switch
        {
            // Shorthand used by the reference service's seeds: every declaration type opens on one date, no deadline.
            ({ } start, null) => [.. allowed.Select(t => new Milestone(t, start, null))],
            (null, { } listed) => [.. listed.Select(m => new Milestone(m.DeclarationType, m.StartDate, m.MilestoneDate))],
            _ => throw Bad($"{where}: give either start_date (every declaration type opens that day) or milestones, not both or neither"),
        };
        var earliest = new DateOnly(year, 6, 1);
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in milestones)
        {
            var at = $"{where}, milestone '{m.DeclarationType}'";
            if (!allowed.Contains(m.DeclarationType)) throw Bad($"{at}: not a declaration type for this schedule ({string.Join(", ", allowed)})");
            if (!types.Add(m.DeclarationType)) throw Bad($"{at} is listed twice");
            if (m.StartDate < earliest) throw Bad($"{at}: start_date {m.StartDate:yyyy-MM-dd} is before 1 June {year}");
            if (m.MilestoneDate <= m.StartDate) throw Bad($"{at}: milestone_date {m.MilestoneDate:yyyy-MM-dd} must be after start_date {m.StartDate:yyyy-MM-dd}");
        }
        if (milestones.Count == 0) throw Bad($"{where}: has no milestones");
        return milestones;
    }

    private static AppropriateBodyType BodyType(string type, string where) => type switch
    {
        "local_authority" => AppropriateBodyType.LocalAuthority,
        "national" => AppropriateBodyType.National,
        "teaching_school_hub" => AppropriateBodyType.TeachingSchoolHub,
        _ => throw Bad($"{where}: type '{type}' is not local_authority, national or teaching_school_hub"),
    };

    private static InvalidDataException Bad(string message) => new($"Reference data: {message}");
}

// The file's shape. Internal: only ReferenceSeed reads it, and the events are the public contract.
internal sealed record ReferenceFile(
    IReadOnlyList<NamedEntry> LeadProviders,
    IReadOnlyList<NamedEntry> DeliveryPartners,
    IReadOnlyList<ContractPeriodEntry> ContractPeriods,
    IReadOnlyList<AppropriateBodyEntry> AppropriateBodies);

internal sealed record NamedEntry(Guid Id, string Name);

internal sealed record ContractPeriodEntry(
    int Year,
    DateOnly StartedOn,
    DateOnly FinishedOn,
    bool Enabled,
    DateOnly? PaymentsFrozenOn,
    bool MentorFundingEnabled,
    bool DetailedEvidenceTypesEnabled,
    bool UpliftFeesEnabled,
    IReadOnlyList<ActiveLeadProviderEntry> LeadProviders,
    IReadOnlyList<ScheduleEntry> Schedules);

internal sealed record ActiveLeadProviderEntry(string Name, IReadOnlyList<PairingEntry> DeliveryPartners);

internal sealed record PairingEntry(Guid PartnershipId, string Name);

internal sealed record ScheduleEntry(string Identifier, DateOnly? StartDate = null, IReadOnlyList<MilestoneEntry>? Milestones = null);

internal sealed record MilestoneEntry(string DeclarationType, DateOnly StartDate, DateOnly? MilestoneDate = null);

internal sealed record AppropriateBodyEntry(Guid Id, string Name, string Type, bool Active);

// Source-generated (no runtime reflection). Strict on purpose: a misspelt key or a missing flag in a
// hand-edited file must fail loudly rather than silently default to false.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowTrailingCommas = true,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ReferenceFile))]
internal sealed partial class ReferenceSeedJson : JsonSerializerContext;
