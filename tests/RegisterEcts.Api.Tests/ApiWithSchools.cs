using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RegisterEcts.Access;
using RegisterEcts.Partnerships;
using RegisterEcts.Partnerships.PartnershipList;
using RegisterEcts.EventStore;
using RegisterEcts.Reference;
using RegisterEcts.Schools;
using RegisterEcts.Schools.SchoolDirectory;
using RegisterEcts.Testing;

namespace RegisterEcts.Api.Tests;

/// <summary>
/// The API with the sample reference data and the sample GIAS schools loaded, as they were before the
/// academisation in the sample links (Oakfield Primary 107412 still open). Tokens for a few schools,
/// an appropriate body and an admin.
/// </summary>
public class ApiWithSchools : ApiFactory
{
    public static readonly Guid Ambition = Guid.Parse("8118fd58-768f-5498-826f-aadc1250a526");
    public static readonly Guid TeachFirst = Guid.Parse("b744c510-755a-5aea-952d-5e63d710a0ee");
    public static readonly Guid Kingfisher = Guid.Parse("51f04049-2c11-5feb-bc85-c977e3b6c8ef");
    public static readonly Guid NorthernLights = Guid.Parse("5fa893d7-c985-5361-94f2-ca5a53cc471d");

    public const int Valley = 100009;
    public const int Underwood = 100252;
    public const int Westfield = 100382;
    public const int Oakfield = 107412;
    public const int OakfieldAcademy = 150218;

    private readonly Dictionary<string, string> _tokens = [];

    public PostgresEventStore Store => Services.GetRequiredService<PostgresEventStore>();

    public static string SamplePath(params string[] parts) => Path.Combine([TestDatabase.RepositoryRoot(), "samples", .. parts]);

    public override async Task InitializeAsync()
    {
        _ = Server; // starts the host, which migrates the schema
        var store = Store;
        var reference = ReferenceSeed.Parse(await File.ReadAllTextAsync(SamplePath("reference", "reference-data.json")));
        await ReferenceStream.SeedAsync(store, reference, new EventContext(Actor.System("tests")));
        await ImportGiasAsync(BeforeAcademisation(), "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n", new DateOnly(2025, 6, 1));
    }

    /// The sample extract as it was in June 2025: Oakfield Primary open, the academy not yet there.
    private static string BeforeAcademisation()
    {
        var lines = File.ReadAllLines(SamplePath("gias", "schools.csv"))
            .Where(l => !l.StartsWith($"{OakfieldAcademy},", StringComparison.Ordinal))
            .Select(l => l.StartsWith($"{Oakfield},", StringComparison.Ordinal) ? l.Replace(",Closed,01-09-1974,31-08-2025,", ",Open,01-09-1974,,") : l);
        return string.Join('\n', lines);
    }

    public Task<GiasImportResult> ImportGiasAsync(string schoolsCsv, string linksCsv, DateOnly today) =>
        GiasImport.RunAsync(Store, GiasExtract.Parse(schoolsCsv, linksCsv), today, new EventContext(Actor.System("tests")));

    public Task<GiasImportResult> ImportSampleGiasAsync(DateOnly today) =>
        ImportGiasAsync(File.ReadAllText(SamplePath("gias", "schools.csv")), File.ReadAllText(SamplePath("gias", "links.csv")), today);

    public async Task<string> TokenAsync(string scope)
    {
        if (!_tokens.TryGetValue(scope, out var token))
            _tokens[scope] = token = await ApiTokens.CreateAsync(Store.DataSource, scope, CancellationToken.None);
        return token;
    }

    public async Task<Caller> AsAsync(string scope) => new(CreateClient(), await TokenAsync(scope));

    public async Task<SchoolTutor> SchoolAsync(int urn) => new(await AsAsync($"school:{urn}"), urn);

    public async Task<AppropriateBodyOfficer> AppropriateBodyAsync(Guid id) => new(await AsAsync($"appropriate-body:{id}"), id);

    /// What the lead provider API will do: the lead provider confirms a partnership with the school for a year.
    public async Task<Guid> PartnershipAsync(int urn, Guid leadProvider, int year, DateOnly on)
    {
        var store = Store;
        var school = (await SchoolDirectoryProjection.FindByUrnAsync(store.DataSource, urn, CancellationToken.None))!;
        var (reference, _) = await ReferenceStream.LoadAsync(store);
        var deliveryPartner = reference.LeadProviderDeliveryPartnerships.Values.First(p => p.LeadProviderId == leadProvider && p.Year == year).DeliveryPartnerId;
        var existing = await PartnershipListProjection.ForSchoolAsync(store.DataSource, school.SchoolId, CancellationToken.None);
        var schoolState = (await store.ReadStreamAsync(school.SchoolId)).Events.Aggregate(School.Initial, (s, e) => School.Evolve(s, e.Data));
        var command = new CreateSchoolPartnership(Guid.CreateVersion7(), school.SchoolId, leadProvider, deliveryPartner, year, on);
        await store.DecideAsync(command.PartnershipId, SchoolPartnership.StreamType, SchoolPartnership.Initial, SchoolPartnership.Evolve,
            state => CreateSchoolPartnership.Decide(command, state, schoolState, existing, reference), new EventContext(Actor.System("tests")));
        return command.PartnershipId;
    }

    public async Task<long> EventCountAsync()
    {
        await using var cmd = Store.DataSource.CreateCommand("SELECT count(*) FROM es_events");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}

/// <summary>A reply: status and the JSON body, read once.</summary>
public sealed record Reply(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)
{
    public JsonNode this[string property] => Body?[property] ?? throw new ShouldAssertException($"The reply ({Status}) has no '{property}': {Body?.ToJsonString()}");

    public Guid TeacherId => Guid.Parse(this["teacher_id"].GetValue<string>());

    public Reply ShouldBe(HttpStatusCode status)
    {
        Status.ShouldBe(status, Body?.ToJsonString());
        return this;
    }

    public string Code => Body?["code"]?.GetValue<string>() ?? "";

    /// Training periods of a role, in start order.
    public IReadOnlyList<JsonNode> Training(string role) =>
        this["training_periods"].AsArray().Where(t => t!["role"]!.GetValue<string>() == role).Select(t => t!).ToList();

    public static string Date(JsonNode? node) => node?.GetValue<string>() ?? "open";
}

/// <summary>Sends requests with a bearer token, on a given day (X-With-Server-Date).</summary>
public sealed class Caller(HttpClient http, string? token)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public HttpClient Http => http;

    public async Task<Reply> PostAsync(string path, object body, DateOnly on, string? idempotencyKey = null) =>
        await SendAsync(HttpMethod.Post, path, new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json"), on, idempotencyKey);

    public async Task<Reply> PostRawAsync(string path, string json, DateOnly on) =>
        await SendAsync(HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, "application/json"), on, null);

    public async Task<Reply> GetAsync(string path, DateOnly? on = null) => await SendAsync(HttpMethod.Get, path, null, on, null);

    private async Task<Reply> SendAsync(HttpMethod method, string path, HttpContent? content, DateOnly? on, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (on is { } day) request.Headers.Add("X-With-Server-Date", day.ToString("yyyy-MM-dd"));
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }
}

/// <summary>A school's induction tutor, in the words of the service.</summary>
public sealed class SchoolTutor(Caller caller, int urn)
{
    public Caller Caller => caller;
    public int Urn => urn;

    public Task<Reply> RegistersEctAsync(string trn, DateOnly startedOn, DateOnly on, Guid? leadProvider = null, string programme = "provider_led",
        Guid? appropriateBody = null, string name = "Jane Doe", string? key = null) =>
        caller.PostAsync($"/api/schools/{urn}/ects", new
        {
            Trn = trn, Name = name, Email = "jane@example.com", StartedOn = startedOn, WorkingPattern = "full_time",
            AppropriateBodyId = appropriateBody ?? ApiWithSchools.Kingfisher, TrainingProgramme = programme,
            LeadProviderId = programme == "provider_led" ? leadProvider ?? ApiWithSchools.Ambition : (Guid?)null,
        }, on, key);

    public Task<Reply> RegistersMentorAsync(string trn, DateOnly startedOn, DateOnly on, Guid? leadProvider = null, bool thisSchoolOnly = false, string name = "Maria Lopez") =>
        caller.PostAsync($"/api/schools/{urn}/mentors", new
        {
            Trn = trn, Name = name, Email = "maria@example.com", StartedOn = startedOn, LeadProviderId = leadProvider, MentoringAtThisSchoolOnly = thisSchoolOnly,
        }, on);

    public Task<Reply> ReportsEctLeavingAsync(Guid teacher, DateOnly leftOn, DateOnly on) =>
        caller.PostAsync($"/api/schools/{urn}/ects/{teacher}/leaving", new { LeftOn = leftOn }, on);

    public Task<Reply> ReportsMentorLeavingAsync(Guid teacher, DateOnly leftOn, DateOnly on) =>
        caller.PostAsync($"/api/schools/{urn}/mentors/{teacher}/leaving", new { LeftOn = leftOn }, on);

    public Task<Reply> ChangesTrainingProgrammeAsync(Guid teacher, string programme, DateOnly on, Guid? leadProvider = null) =>
        caller.PostAsync($"/api/schools/{urn}/ects/{teacher}/training-programme", new { TrainingProgramme = programme, LeadProviderId = leadProvider }, on);

    public Task<Reply> ChangesEctLeadProviderAsync(Guid teacher, Guid leadProvider, DateOnly on) =>
        caller.PostAsync($"/api/schools/{urn}/ects/{teacher}/lead-provider", new { LeadProviderId = leadProvider }, on);

    public Task<Reply> ChangesMentorLeadProviderAsync(Guid teacher, Guid leadProvider, DateOnly on) =>
        caller.PostAsync($"/api/schools/{urn}/mentors/{teacher}/lead-provider", new { LeadProviderId = leadProvider }, on);

    public Task<Reply> AssignsMentorAsync(Guid ect, Guid mentor, DateOnly on) =>
        caller.PostAsync($"/api/schools/{urn}/ects/{ect}/mentor", new { MentorTeacherId = mentor }, on);

    public Task<Reply> ChangesEmailAsync(Guid teacher, string email, DateOnly on) =>
        caller.PostAsync($"/api/schools/{urn}/teachers/{teacher}/email", new { Email = email }, on);

    public Task<Reply> ChangesWorkingPatternAsync(Guid teacher, string pattern, DateOnly on) =>
        caller.PostAsync($"/api/schools/{urn}/teachers/{teacher}/working-pattern", new { WorkingPattern = pattern }, on);

    public Task<Reply> CorrectsNameAsync(Guid teacher, string name, DateOnly on) =>
        caller.PostAsync($"/api/schools/{urn}/teachers/{teacher}/name", new { Name = name }, on);

    public async Task<Reply> TeachersAsync(DateOnly? on = null) => (await caller.GetAsync($"/api/schools/{urn}/teachers", on)).ShouldBe(HttpStatusCode.OK);

    /// The school's rows for one teacher, newest period first.
    public async Task<IReadOnlyList<JsonNode>> PeriodsOfAsync(Guid teacher, string role = "ects") =>
        (await TeachersAsync())[role].AsArray().Where(p => p!["teacher_id"]!.GetValue<string>() == teacher.ToString()).Select(p => p!).ToList();
}

public sealed class AppropriateBodyOfficer(Caller caller, Guid id)
{
    public Caller Caller() => caller;

    public Task<Reply> ClaimsAsync(string trn, DateOnly startedOn, DateOnly on, string programme = "provider_led") =>
        caller.PostAsync($"/api/appropriate-bodies/{id}/inductions", new { Trn = trn, StartedOn = startedOn, InductionProgramme = programme }, on);

    public Task<Reply> RecordsOutcomeAsync(Guid teacher, string outcome, DateOnly finishedOn, decimal terms, DateOnly on, DateOnly? failConfirmationSentOn = null) =>
        caller.PostAsync($"/api/appropriate-bodies/{id}/inductions/{teacher}/outcome",
            new { Outcome = outcome, FinishedOn = finishedOn, NumberOfTerms = terms, FailConfirmationSentOn = failConfirmationSentOn }, on);

    public Task<Reply> ReleasesAsync(Guid teacher, DateOnly finishedOn, decimal terms, DateOnly on) =>
        caller.PostAsync($"/api/appropriate-bodies/{id}/inductions/{teacher}/release", new { FinishedOn = finishedOn, NumberOfTerms = terms }, on);

    public Task<Reply> ExtendsAsync(Guid teacher, decimal terms, DateOnly on) =>
        caller.PostAsync($"/api/appropriate-bodies/{id}/inductions/{teacher}/extensions", new { NumberOfTerms = terms }, on);
}

/// Fresh TRNs, so the tests of one class never collide on a teacher.
public static class Trns
{
    private static int _next = Random.Shared.Next(1_000_000, 8_000_000);

    public static string Next() => Interlocked.Increment(ref _next).ToString("0000000");
}

public static class On
{
    public static DateOnly Day(int year, int month, int day) => new(year, month, day);
}
