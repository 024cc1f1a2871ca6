using Npgsql;
using RegisterEcts.Api.Auth;
using RegisterEcts.Api.Http;
using RegisterEcts.Declarations;
using RegisterEcts.EventStore;
using RegisterEcts.Shared;
using static RegisterEcts.Partnerships.ApiView.LeadProviderApiProjection;

namespace RegisterEcts.Api.LeadProviders.V3;

public sealed record DeclarationAttributes(
    Guid ParticipantId, string DeclarationType, string CourseIdentifier, string DeclarationDate, Guid? MentorId, string State,
    string UpdatedAt, string CreatedAt, Guid? DeliveryPartnerId, Guid? StatementId, Guid? ClawbackStatementId,
    string? IneligibleForFundingReason, bool UpliftPaid, string? EvidenceHeld, string? LeadProviderName);

/// <summary>The attributes of a POST /participant-declarations body, for the OpenAPI document (rect-api-v3 §4.5).</summary>
public sealed record DeclarationRequest(string ParticipantId, string DeclarationType, string DeclarationDate, string CourseIdentifier, string? EvidenceHeld);

/// <summary>
/// GET/POST /participant-declarations, GET /participant-declarations/{id}, PUT …/{id}/void (rect-api-v3 §3.2, §4.5,
/// §4.6), served from the inline declarations table, whose api_updated_at moves with every state change.
/// </summary>
internal static class DeclarationEndpoints
{
    public const string Type = "participant-declaration";

    private const string Columns =
        "d.declaration_id, d.teacher_id, d.declaration_type, d.role, d.declaration_date, d.mentor_id, d.state, d.api_updated_at, d.created_at, "
        + "d.delivery_partner_id, d.statement_id, d.clawback_statement_id, d.evidence_held, n.name";

    /// <summary>
    /// §3.2: the provider's own declarations, and another provider's live ones of a role this provider trains the
    /// teacher in, dated no later than the end of this provider's latest (partnered) training period of that role.
    /// Two branches rather than one OR, so each is an index lookup and list filters reach into both; $1 is the provider.
    /// </summary>
    private const string From =
        """
        (SELECT * FROM declarations WHERE lead_provider_id = $1
         UNION ALL
         SELECT o.* FROM training_periods tp
         JOIN declarations o ON o.teacher_id = tp.teacher_id AND o.role = tp.role AND o.lead_provider_id <> $1
             AND o.state IN ('submitted', 'eligible', 'payable', 'paid')
             AND (upper_inf(tp.dates) OR (o.declaration_date AT TIME ZONE 'UTC')::date < upper(tp.dates))
         WHERE tp.lead_provider_id = $1 AND tp.partnership_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM training_periods later
                 WHERE later.teacher_id = tp.teacher_id AND later.role = tp.role AND later.lead_provider_id = $1
                     AND later.partnership_id IS NOT NULL AND lower(later.dates) > lower(tp.dates))) d
        LEFT JOIN lead_provider_names n ON n.lead_provider_id = d.lead_provider_id
        """;

    private static readonly Dictionary<string, string> SortColumns = new() { ["created_at"] = "d.created_at" };

    public static RouteGroupBuilder MapDeclarations(this RouteGroupBuilder v3)
    {
        var declarations = v3.MapGroup("/participant-declarations").WithTags("Participant declarations");
        declarations.MapGet("", ListAsync).WithName("V3ListDeclarations")
            .WithSummary("Declarations this lead provider may see (filter[cohort], filter[participant_id], filter[delivery_partner_id], filter[updated_since], paging; ordered by created_at)")
            .Produces<V3ListDocument<V3Resource<DeclarationAttributes>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest);
        declarations.MapGet("/{id}", ShowAsync).WithName("V3GetDeclaration").WithSummary("One declaration this lead provider may see")
            .Produces<V3Document<V3Resource<DeclarationAttributes>>>().Produces<V3Errors>(StatusCodes.Status404NotFound);
        declarations.MapPost("", SubmitAsync).WithName("V3SubmitDeclaration")
            .WithSummary("Declare that a participant reached a milestone (body type participant-declaration)")
            // The handler reads the body itself (V3Body); without this the document showed no body at all.
            .Accepts<V3Document<V3Request<DeclarationRequest>>>("application/json")
            .Produces<V3Document<V3Resource<DeclarationAttributes>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest)
            .Produces<V3Errors>(StatusCodes.Status422UnprocessableEntity);
        declarations.MapPut("/{id}/void", VoidAsync).WithName("V3VoidDeclaration")
            .WithSummary("Void one of this lead provider's declarations, or claw it back once paid")
            .Produces<V3Document<V3Resource<DeclarationAttributes>>>().Produces<V3Errors>(StatusCodes.Status404NotFound)
            .Produces<V3Errors>(StatusCodes.Status422UnprocessableEntity);
        return v3;
    }

    private static V3Query VisibleTo(Guid leadProvider)
    {
        var query = new V3Query(Columns, From, "d.declaration_id", SortColumns);
        query.Param(leadProvider); // $1, which From names
        return query;
    }

    private static async Task<IResult> ListAsync(HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        var query = VisibleTo(V3.LeadProviderOf(http));
        var parsed = V3ListRequest.Parse(http.Request, query.Sortable);
        // The order is fixed (§1.4): `sort` is not read, though a cursor keeps the order it was made under.
        var list = new V3ListRequest
        {
            Page = parsed.Page, PerPage = parsed.PerPage, Sort = parsed.Cursor?.Sort ?? [], Cursor = parsed.Cursor, UpdatedSince = parsed.UpdatedSince,
        };
        if (V3ListRequest.Cohorts(http.Request) is { } years) query.Where($"d.contract_period_year = ANY({query.Param(years.ToArray())})");
        if (V3ListRequest.Csv(http.Request, "participant_id") is { } participants)
            query.Where($"d.teacher_id = ANY({query.Param(Uuids(participants))})");
        if (V3ListRequest.Csv(http.Request, "delivery_partner_id") is { } partners)
            query.Where($"d.delivery_partner_id = ANY({query.Param(Uuids(partners))})");
        query.UpdatedSince(list, "d.api_updated_at");
        var page = await query.ReadAsync(store.DataSource, list, r => (r.GetGuid(0), Attributes(r)), ct);
        return V3.List(http.Request, Type, page);
    }

    /// Malformed ids are dropped; none left matches nothing (§1.3).
    private static Guid[] Uuids(IEnumerable<string> values) =>
        [.. values.Select(v => Guid.TryParse(v, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty)];

    private static async Task<IResult> ShowAsync(string id, HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        var declarationId = Guid.TryParse(id, out var parsed) ? parsed : throw V3Exception.NotFound();
        return V3.One(Type, declarationId, await FindAsync(store.DataSource, V3.LeadProviderOf(http), declarationId, ct) ?? throw V3Exception.NotFound());
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, PostgresEventStore store, RequestClock clock, CancellationToken ct)
    {
        var attributes = await V3Body.AttributesAsync(http.Request, ct);
        var leadProvider = V3.LeadProviderOf(http);
        var participant = V3Body.Text(attributes, "participant_id");
        // Blank is "Enter a participant_id"; an id that names no teacher is "not recognised", as an unknown one is.
        var teacherId = participant is null ? Guid.Empty : Guid.TryParse(participant, out var parsed) && parsed != Guid.Empty ? parsed : Guid.CreateVersion7();
        var command = new SubmitDeclaration(Guid.CreateVersion7(), teacherId, leadProvider, V3Body.Text(attributes, "course_identifier"),
            V3Body.Text(attributes, "declaration_type"), V3Body.Text(attributes, "declaration_date"), V3Body.Text(attributes, "evidence_held"), clock.Now);
        var submitted = await DeclarationStreams.SubmitAsync(store, command, Scopes.ContextOf(http.User, http), ct);
        // A racing identical submission under another provider may have won with a declaration this one cannot see.
        var document = await FindAsync(store.DataSource, leadProvider, submitted.DeclarationId, ct)
            ?? throw V3Exception.Unprocessable("declaration_type", "A declaration has already been submitted that will be, or has been, paid for this event.");
        return V3.One(Type, submitted.DeclarationId, document);
    }

    private static async Task<IResult> VoidAsync(string id, HttpContext http, PostgresEventStore store, RequestClock clock, CancellationToken ct)
    {
        var declarationId = Guid.TryParse(id, out var parsed) ? parsed : throw V3Exception.NotFound();
        var leadProvider = V3.LeadProviderOf(http);
        try
        {
            await DeclarationStreams.VoidAsync(store, new VoidDeclaration(declarationId, leadProvider, clock.Today), Scopes.ContextOf(http.User, http), ct);
        }
        catch (RuleViolation r) when (r.Code == VoidDeclaration.NotFoundCode)
        {
            throw V3Exception.NotFound();
        }
        return V3.One(Type, declarationId, (await FindAsync(store.DataSource, leadProvider, declarationId, ct))!);
    }

    private static async Task<DeclarationAttributes?> FindAsync(NpgsqlDataSource db, Guid leadProvider, Guid declarationId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM {From} WHERE d.declaration_id = $2");
        cmd.Parameters.Add(new() { Value = leadProvider });
        cmd.Parameters.Add(new() { Value = declarationId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Attributes(r) : null;
    }

    private static DeclarationAttributes Attributes(NpgsqlDataReader r)
    {
        var state = r.GetString(6);
        Guid? Uuid(int i) => r.IsDBNull(i) ? null : r.GetGuid(i);
        return new(
            r.GetGuid(1), r.GetString(2), r.GetString(3) == "ect" ? LeadProviderParticipant.EctCourse : LeadProviderParticipant.MentorCourse,
            Timestamp(r.GetFieldValue<DateTimeOffset>(4)), Uuid(5), state, Timestamp(r.GetFieldValue<DateTimeOffset>(7)),
            Timestamp(r.GetFieldValue<DateTimeOffset>(8)), Uuid(9),
            // A voided declaration is on no statement (§3.2).
            state == DeclarationState.Voided.ApiName() ? null : Uuid(10), Uuid(11),
            null,
            // Uplift fees (pupil premium or sparsity) are not modelled: no declaration has an uplift paid.
            false,
            r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetString(13));
    }
}
