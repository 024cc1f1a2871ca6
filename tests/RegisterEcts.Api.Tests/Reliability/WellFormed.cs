using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests.Reliability;

/// <summary>An operation of the OpenAPI documents this test cannot fill in: a new route or parameter the tables do not know yet.</summary>
public sealed class NotCoveredException(string message) : Exception(message);

/// <summary>
/// Well-formed requests for any operation of the OpenAPI documents: real records in the path, and a body whose every
/// property has a plausible value, so a test can break one thing at a time (or none, to see who may call it).
/// </summary>
public static class WellFormed
{
    public static readonly Guid UnknownId = Guid.Parse("0195a000-0000-7000-8000-00000000dead");

    /// Teach First's delivery partner in 2025 (sample reference data).
    public static readonly Guid Humber = Guid.Parse("bc277b46-78b3-53a5-a88c-64ea1e546ebf");

    /// A well-formed body for the operation, or null when it documents none.
    public static JsonObject? Body(OpenApiOperation operation, World world) =>
        operation.BodySchema is { } schema ? SampleObject(operation, operation.Resolve(schema), world) : null;

    /// <summary>Real records for the path parameters, so a mutated body gets past "not found" to the checks that read it.</summary>
    public sealed record World(Guid Ect, Guid Mentor, Guid Partnership, Guid DeliveryPartner, Guid ValleyId);

    public static async Task<World> WorldAsync(ApiWithSchools api)
    {
        var partnership = await api.PartnershipOnceAsync(Valley, Ambition, 2025, Day(2025, 6, 10));
        var valley = await api.SchoolAsync(Valley);
        var ect = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var mentor = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;
        await using var cmd = api.Store.DataSource.CreateCommand("SELECT school_id FROM schools WHERE urn = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = Valley });
        var valleyId = (Guid)(await cmd.ExecuteScalarAsync())!;
        return new World(ect, mentor, partnership, Humber, valleyId);
    }

    /// The value a path parameter gets in the well-formed request, by route and name.
    public static string PathValue(OpenApiOperation operation, string parameter, World world) => (operation.Path, parameter) switch
    {
        (_, "urn") => Valley.ToString(),
        (_, "teacher_id") when operation.Path.Contains("/mentors/", StringComparison.Ordinal) => world.Mentor.ToString(),
        (_, "teacher_id") => world.Ect.ToString(),
        (var p, "id") when p.StartsWith("/api/appropriate-bodies/", StringComparison.Ordinal) => Kingfisher.ToString(),
        (var p, "id") when p.StartsWith("/api/v3/participants/", StringComparison.Ordinal) => world.Ect.ToString(),
        (var p, "id") when p.StartsWith("/api/v3/partnerships/", StringComparison.Ordinal) => world.Partnership.ToString(),
        (var p, "id") when p.StartsWith("/api/v3/schools/", StringComparison.Ordinal) => world.ValleyId.ToString(),
        (var p, "id") when p.StartsWith("/api/v3/delivery-partners/", StringComparison.Ordinal) => world.DeliveryPartner.ToString(),
        (var p, "id") when p.StartsWith("/api/v3/unfunded-mentors/", StringComparison.Ordinal) => world.Mentor.ToString(),
        // No declaration or statement is needed to see who may call these: an unknown id is a 404 once let in.
        (var p, "id") when p.StartsWith("/api/v3/participant-declarations/", StringComparison.Ordinal) => UnknownId.ToString(),
        (var p, "id") when p.StartsWith("/api/v3/statements/", StringComparison.Ordinal) => UnknownId.ToString(),
        _ => throw new NotCoveredException($"this test does not know what to put in the path parameter '{parameter}'"),
    };

    public static string PathWith(OpenApiOperation operation, World world, string? parameter = null, string? value = null)
    {
        var path = operation.Path;
        foreach (var p in operation.PathParameters)
            path = path.Replace($"{{{p}}}", p == parameter ? Uri.EscapeDataString(value!) : PathValue(operation, p, world), StringComparison.Ordinal);
        return path;
    }

    /// A well-formed value for a property, by name and schema; the cases then break one property at a time.
    public static JsonNode? Sample(OpenApiOperation operation, string name, JsonObject schema, World world)
    {
        if (schema["enum"] is JsonArray values) return values[0]!.DeepClone();
        var type = OpenApiOperation.TypeOf(schema);
        var format = schema["format"]?.GetValue<string>();
        if (type == "object") return SampleObject(operation, schema, world);
        return (name, type, format) switch
        {
            ("trn", _, _) => Trns.Next(),
            ("email", _, _) => "someone@example.com",
            ("name", _, _) => "Sam Smith",
            ("school_urn", _, _) => Valley,
            ("number_of_terms", _, _) => 1,
            ("cohort", _, _) => "2025",
            ("course_identifier", _, _) => "ecf-induction",
            ("schedule_identifier", _, _) => "ecf-standard-january",
            ("reason", _, _) when operation.IsV3 => "other",
            ("type", _, _) => "participant",
            ("appropriate_body_id", _, _) => Kingfisher.ToString(),
            ("lead_provider_id", _, _) => Ambition.ToString(),
            ("mentor_teacher_id" or "into_teacher_id", _, _) => world.Mentor.ToString(),
            ("participant_id", _, _) => world.Ect.ToString(),
            ("school_id", _, _) => world.ValleyId.ToString(),
            ("delivery_partner_id", _, _) => world.DeliveryPartner.ToString(),
            ("declaration_type", _, _) => "started",
            ("declaration_date", _, _) => "2025-09-15T00:00:00Z",
            (_, "integer" or "number", _) => 1,
            (_, "boolean", _) => false,
            (_, _, "uuid") => UnknownId.ToString(),
            (_, _, "date") => "2025-09-01",
            _ => "text",
        };
    }

    public static JsonObject SampleObject(OpenApiOperation operation, JsonObject schema, World world)
    {
        var result = new JsonObject();
        foreach (var (name, property) in operation.Properties(schema))
            result[name] = Sample(operation, name, property, world);
        return result;
    }

}
