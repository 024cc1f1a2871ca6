using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using RegisterEcts.Api.Auth;
using RegisterEcts.Api.Http;
using RegisterEcts.Api.Reference;
using RegisterEcts.EventStore;
using RegisterEcts.Partnerships;
using RegisterEcts.Partnerships.PartnershipList;
using RegisterEcts.Reference;
using RegisterEcts.Schools;
using RegisterEcts.Shared;

namespace RegisterEcts.Api.LeadProviders.V3;

public sealed record PartnershipAttributes(
    string Cohort, string Urn, Guid SchoolId, Guid DeliveryPartnerId, string DeliveryPartnerName,
    string? InductionTutorName, string? InductionTutorEmail, int ParticipantsCurrentlyTraining, string CreatedAt, string UpdatedAt);

/// <summary>GET/POST /partnerships, GET/PUT /partnerships/{id} (rect-api-v3 §3.3, §4.7, §4.8).</summary>
internal static class PartnershipEndpoints
{
    public const string Type = "partnership";

    private static readonly Dictionary<string, string> SortColumns = new() { ["created_at"] = "p.created_at", ["updated_at"] = "p.api_updated_at" };

    // jsonb, not ::text: the cast would run for every row sorted or skipped, not only those sent.
    private const string Columns = "p.partnership_id, p.document, p.api_updated_at";
    private const string From = "lead_provider_partnerships p";

    // The reference service's words (rect-api-v3 §4.7), by attribute.
    private static class Says
    {
        public const string CohortMissing = "Enter a '#/cohort'.";
        public const string CohortInvalid = "The '#/cohort' you have entered is invalid. Check cohort details and try again.";
        public const string CohortFuture = "You cannot create a partnership for a future cohort.";
        public const string CohortClosed = "You cannot create this partnership as the cohort is closed.";
        public const string SchoolMissing = "Enter a '#/school_id'.";
        public const string SchoolInvalid = "The '#/school_id' you have entered is invalid. Check school details and try again. Contact the DfE for support if you are unable to find the '#/school_id'.";
        public const string SchoolIneligible = "The school you have entered is currently ineligible for DfE funding. Contact the school for more information.";
        public const string SchoolAlreadyPartnered = "You are already in a confirmed partnership with this school for the entered cohort.";
        public const string DeliveryPartnerMissing = "Enter a '#/delivery_partner_id'.";
        public const string DeliveryPartnerInvalid = "The '#/delivery_partner_id' you have entered is invalid. Check delivery partner details and try again.";
        public const string DeliveryPartnerNotPaired = "The entered delivery partner is not recognised to be working in partnership with you for the given cohort. Contact the DfE for more information.";
        public const string DeliveryPartnerUnchanged = "We are unable to process this request. You are already confirmed to be in partnership with the entered delivery partner. Contact the DfE for support.";
    }

    public static RouteGroupBuilder MapPartnerships(this RouteGroupBuilder v3)
    {
        var partnerships = v3.MapGroup("/partnerships").WithTags("Partnerships");
        partnerships.MapGet("", ListAsync).WithName("V3ListPartnerships")
            .WithSummary("This lead provider's partnerships (filter[cohort], filter[delivery_partner_id], filter[updated_since], sort, paging)")
            .Produces<V3ListDocument<V3Resource<PartnershipAttributes>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest);
        partnerships.MapGet("/{id}", ShowAsync).WithName("V3GetPartnership").WithSummary("One of this lead provider's partnerships")
            .Produces<V3Document<V3Resource<PartnershipAttributes>>>().Produces<V3Errors>(StatusCodes.Status404NotFound);
        partnerships.MapPost("", CreateAsync).WithName("V3CreatePartnership")
            .WithSummary("Confirm a partnership with a school for a cohort, through a delivery partner (body: cohort, school_id, delivery_partner_id)")
            .Accepts<V3Document<V3Request<PartnershipRequest>>>("application/json")
            .Produces<V3Document<V3Resource<PartnershipAttributes>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest).Produces<V3Errors>(StatusCodes.Status422UnprocessableEntity);
        partnerships.MapMethods("/{id}", [HttpMethods.Put, HttpMethods.Patch], UpdateAsync).WithName("V3UpdatePartnership")
            .WithSummary("Change the delivery partner of a partnership (body: delivery_partner_id)")
            .Accepts<V3Document<V3Request<PartnershipUpdateRequest>>>("application/json")
            .Produces<V3Document<V3Resource<PartnershipAttributes>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest)
            .Produces<V3Errors>(StatusCodes.Status404NotFound).Produces<V3Errors>(StatusCodes.Status422UnprocessableEntity);
        return v3;
    }

    private static async Task<IResult> ListAsync(HttpContext http, PostgresEventStore store, RequestClock clock, CancellationToken ct)
    {
        var query = new V3Query(Columns, From, "p.partnership_id", SortColumns);
        var list = V3ListRequest.Parse(http.Request, query.Sortable);
        query.Where($"p.lead_provider_id = {query.Param(V3.LeadProviderOf(http))}");
        if (V3ListRequest.Cohorts(http.Request) is { } years) query.Where($"p.contract_period_year = ANY ({query.Param(years.ToArray())})");
        // Not checked as ids: a value that is not one matches nothing (rect-api-v3 §1.3).
        if (V3ListRequest.Csv(http.Request, "delivery_partner_id") is { } partners)
            query.Where($"p.delivery_partner_id::text = ANY ({query.Param(partners.Select(p => p.ToLowerInvariant()).ToArray())})");
        query.UpdatedSince(list, "p.api_updated_at");
        var page = await query.ReadAsync(store.DataSource, list, r => (r.GetGuid(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2)), ct);
        var counts = await TrainingCountsAsync(store.DataSource, [.. page.Rows.Select(r => r.Item1)], clock.Today, ct);
        return V3.List(http.Request, Type, new V3Page<(Guid, PartnershipAttributes)>(
            [.. page.Rows.Select(r => (r.Item1, Attributes(r.Item2, r.Item3, counts.GetValueOrDefault(r.Item1))))], page.Next));
    }

    private static async Task<IResult> ShowAsync(string id, HttpContext http, PostgresEventStore store, RequestClock clock, CancellationToken ct)
    {
        var partnershipId = Guid.TryParse(id, out var parsed) ? parsed : throw V3Exception.NotFound();
        return V3.One(Type, partnershipId, await FindAsync(store.DataSource, V3.LeadProviderOf(http), partnershipId, clock.Today, ct) ?? throw V3Exception.NotFound());
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http, PostgresEventStore store, ReferenceCache references, RequestClock clock, CancellationToken ct)
    {
        var attributes = await V3Body.AttributesAsync(http.Request, ct);
        var leadProvider = V3.LeadProviderOf(http);
        var today = clock.Today;
        var reference = await references.GetAsync(ct);
        var errors = new List<V3Error>();

        var cohortText = V3Body.Text(attributes, "cohort");
        ContractPeriod? period = null;
        if (cohortText is null) errors.Add(new("cohort", Says.CohortMissing));
        else if (!int.TryParse(cohortText, out var year) || (period = reference.FindContractPeriod(year)) is null) errors.Add(new("cohort", Says.CohortInvalid));
        else if (period.StartedOn > today) { errors.Add(new("cohort", Says.CohortFuture)); period = null; }
        else if (!period.Enabled) { errors.Add(new("cohort", Says.CohortClosed)); period = null; }

        var schoolText = V3Body.Text(attributes, "school_id");
        var school = School.Initial;
        IReadOnlyList<SchoolPartnership> schoolPartnerships = [];
        if (schoolText is null) errors.Add(new("school_id", Says.SchoolMissing));
        else if (!Guid.TryParse(schoolText, out var schoolId)
                 || (school = await LoadSchoolAsync(store, schoolId, ct)) is not { Exists: true, Status: SchoolStatus.Open }) errors.Add(new("school_id", Says.SchoolInvalid));
        else if (!school.Eligible) errors.Add(new("school_id", Says.SchoolIneligible));
        else
        {
            schoolPartnerships = await PartnershipListProjection.ForSchoolAsync(store.DataSource, school.Id, ct);
            if (period is not null && schoolPartnerships.Any(p => p.LeadProviderId == leadProvider && p.ContractPeriodYear == period.Year))
                errors.Add(new("school_id", Says.SchoolAlreadyPartnered));
        }

        var deliveryPartnerId = DeliveryPartnerErrors(V3Body.Text(attributes, "delivery_partner_id"), leadProvider, period?.Year, reference, errors);
        if (errors.Count > 0) throw V3Exception.Unprocessable(errors);

        var command = new CreateSchoolPartnership(Guid.CreateVersion7(), school.Id, leadProvider, deliveryPartnerId!.Value, period!.Year, today);
        try
        {
            await store.DecideAsync(command.PartnershipId, SchoolPartnership.StreamType, SchoolPartnership.Initial, SchoolPartnership.Evolve,
                state => CreateSchoolPartnership.Decide(command, state, school, schoolPartnerships, reference), Scopes.ContextOf(http.User, http), ct);
        }
        catch (RuleViolation r)
        {
            throw V3Exception.Unprocessable([Explain(r)]);
        }
        catch (PostgresException p) when (p.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another request confirmed the same school, provider and cohort a moment earlier.
            throw V3Exception.Unprocessable("school_id", Says.SchoolAlreadyPartnered);
        }
        return V3.One(Type, command.PartnershipId, (await FindAsync(store.DataSource, leadProvider, command.PartnershipId, today, ct))!);
    }

    private static async Task<IResult> UpdateAsync(
        string id, HttpContext http, PostgresEventStore store, ReferenceCache references, RequestClock clock, CancellationToken ct)
    {
        var leadProvider = V3.LeadProviderOf(http);
        // 404 before 400 here, as in the reference (rect-api-v3 §4).
        if (!Guid.TryParse(id, out var partnershipId)) throw V3Exception.NotFound();
        var state = (await store.ReadStreamAsync(partnershipId, ct: ct)).Events.Aggregate(SchoolPartnership.Initial, (s, e) => SchoolPartnership.Evolve(s, e.Data));
        if (state is null || state.LeadProviderId != leadProvider) throw V3Exception.NotFound();
        var attributes = await V3Body.AttributesAsync(http.Request, ct);
        var reference = await references.GetAsync(ct);
        var errors = new List<V3Error>();
        var deliveryPartnerId = DeliveryPartnerErrors(V3Body.Text(attributes, "delivery_partner_id"), leadProvider, state.ContractPeriodYear, reference, errors);
        if (errors.Count == 0 && deliveryPartnerId == state.DeliveryPartnerId) errors.Add(new("delivery_partner_id", Says.DeliveryPartnerUnchanged));
        if (errors.Count > 0) throw V3Exception.Unprocessable(errors);

        var command = new ChangeSchoolPartnershipDeliveryPartner(partnershipId, leadProvider, deliveryPartnerId!.Value, clock.Today);
        try
        {
            await store.DecideAsync(partnershipId, SchoolPartnership.StreamType, SchoolPartnership.Initial, SchoolPartnership.Evolve,
                s => ChangeSchoolPartnershipDeliveryPartner.Decide(command, s, reference), Scopes.ContextOf(http.User, http), ct);
        }
        catch (RuleViolation r)
        {
            throw V3Exception.Unprocessable([Explain(r)]);
        }
        return V3.One(Type, partnershipId, (await FindAsync(store.DataSource, leadProvider, partnershipId, clock.Today, ct))!);
    }

    /// Checks delivery_partner_id; the id when it is usable (paired with this provider in that year, when the year is known).
    private static Guid? DeliveryPartnerErrors(string? text, Guid leadProvider, int? year, ReferenceData reference, List<V3Error> errors)
    {
        if (text is null)
        {
            errors.Add(new("delivery_partner_id", Says.DeliveryPartnerMissing));
            return null;
        }
        if (!Guid.TryParse(text, out var id) || !reference.DeliveryPartners.ContainsKey(id))
        {
            errors.Add(new("delivery_partner_id", Says.DeliveryPartnerInvalid));
            return null;
        }
        if (year is { } y && !reference.LeadProviderDeliveryPartnerships.Values.Any(p => p.LeadProviderId == leadProvider && p.DeliveryPartnerId == id && p.Year == y))
        {
            errors.Add(new("delivery_partner_id", Says.DeliveryPartnerNotPaired));
            return null;
        }
        return id;
    }

    /// Decide's refusals (reached only when the world changed between the checks above and the append) in the reference's words.
    private static V3Error Explain(RuleViolation r) => r.Code switch
    {
        "school_not_found" or "school_not_open" => new("school_id", Says.SchoolInvalid),
        "school_not_eligible" => new("school_id", Says.SchoolIneligible),
        "partnership_already_exists" => new("school_id", Says.SchoolAlreadyPartnered),
        "contract_period_not_open" => new("cohort", Says.CohortClosed),
        "delivery_partner_not_available" => new("delivery_partner_id", Says.DeliveryPartnerNotPaired),
        "delivery_partner_not_found" => new("delivery_partner_id", Says.DeliveryPartnerInvalid),
        "delivery_partner_unchanged" => new("delivery_partner_id", Says.DeliveryPartnerUnchanged),
        _ => new(r.Code, r.Message),
    };

    private static async Task<School> LoadSchoolAsync(PostgresEventStore store, Guid schoolId, CancellationToken ct) =>
        (await store.ReadStreamAsync(schoolId, ct: ct)).Events.Aggregate(School.Initial, (s, e) => School.Evolve(s, e.Data));

    private static async Task<PartnershipAttributes?> FindAsync(NpgsqlDataSource db, Guid leadProvider, Guid partnershipId, DateOnly today, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM {From} WHERE p.partnership_id = $1 AND p.lead_provider_id = $2");
        cmd.Parameters.Add(new() { Value = partnershipId });
        cmd.Parameters.Add(new() { Value = leadProvider });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var (document, updatedAt) = (r.GetString(1), r.GetFieldValue<DateTimeOffset>(2));
        await r.DisposeAsync();
        var counts = await TrainingCountsAsync(db, [partnershipId], today, ct);
        return Attributes(document, updatedAt, counts.GetValueOrDefault(partnershipId));
    }

    private static PartnershipAttributes Attributes(string document, DateTimeOffset updatedAt, int training)
    {
        var json = JsonNode.Parse(document)!.AsObject();
        json["updated_at"] = Partnerships.ApiView.LeadProviderApiProjection.Timestamp(updatedAt);
        json["participants_currently_training"] = training;
        return json.Deserialize<PartnershipAttributes>(V3Json.Options)!;
    }

    /// participants_currently_training: the partnership's training periods that contain today.
    private static Task<Dictionary<Guid, int>> TrainingCountsAsync(NpgsqlDataSource db, Guid[] partnerships, DateOnly today, CancellationToken ct) =>
        Partnerships.ApiView.LeadProviderApiProjection.CurrentlyTrainingAsync(db, partnerships, today, ct);
}

/// <summary>{"data":{"type":…,"attributes":{…}}} as a request body, for the OpenAPI document.</summary>
public sealed record V3Request<T>(string Type, T Attributes);

public sealed record PartnershipRequest(string Cohort, Guid SchoolId, Guid DeliveryPartnerId);

public sealed record PartnershipUpdateRequest(Guid DeliveryPartnerId);
