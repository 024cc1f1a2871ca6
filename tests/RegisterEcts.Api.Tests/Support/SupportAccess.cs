using System.Net;
using System.Text.Json.Nodes;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_a_school_or_appropriate_body_token_calls_a_support_route(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Theory]
    [InlineData("school")]
    [InlineData("appropriate-body")]
    public async Task it_is_forbidden_and_nothing_is_written(string who)
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var maria = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.ReportsEctLeavingAsync(jane, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        var intruder = new SupportAgent(who == "school" ? valley.Caller : (await api.AppropriateBodyAsync(Kingfisher)).Caller());
        var before = await api.EventCountAsync();

        var replies = new[]
        {
            await intruder.MergesAsync(maria, jane, on: Day(2025, 12, 20)),
            await intruder.ErasesAsync(jane, on: Day(2025, 12, 20)),
            await intruder.CorrectsEctStartDateAsync(jane, Valley, Day(2025, 8, 27), on: Day(2025, 12, 20)),
            await intruder.CorrectsLeavingDateAsync(jane, "ect", Valley, Day(2025, 12, 19), on: Day(2025, 12, 20)),
        };

        foreach (var reply in replies)
        {
            reply.ShouldBe(HttpStatusCode.Forbidden).Code.ShouldBe("forbidden");
            reply.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }
        (await api.EventCountAsync()).ShouldBe(before);
        // Nor was the key deleted: the name still reads.
        (await valley.PeriodsOfAsync(jane)).Single()["name"]!.GetValue<string>().ShouldBe("Jane Doe");
    }

    [Fact]
    public async Task an_admin_token_may_act_as_support()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await (await api.SupportAsync("admin")).CorrectsEctStartDateAsync(jane, Valley, Day(2025, 8, 27), on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        (await api.StreamAsync(jane))[^1].Metadata.Actor.Type.ShouldBe("admin");
    }
}

public class when_a_support_request_gives_no_reason_or_ticket(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Theory]
    [InlineData(null, "ZD-1", "reason")]
    [InlineData("  ", "ZD-1", "reason")]
    [InlineData("A reason", null, "support_ticket")]
    [InlineData("A reason", "", "support_ticket")]
    public async Task every_route_is_a_400_naming_the_field_and_nothing_is_written(string? reason, string? ticket, string field)
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var maria = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.ReportsEctLeavingAsync(jane, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        var support = await api.SupportAsync();
        var before = await api.EventCountAsync();

        var replies = new[]
        {
            await support.MergesAsync(maria, jane, on: Day(2025, 12, 20), reason: reason, ticket: ticket),
            await support.ErasesAsync(jane, on: Day(2025, 12, 20), reason: reason, ticket: ticket),
            await support.CorrectsEctStartDateAsync(jane, Valley, Day(2025, 8, 27), on: Day(2025, 12, 20), reason: reason, ticket: ticket),
            await support.CorrectsLeavingDateAsync(jane, "ect", Valley, Day(2025, 12, 19), on: Day(2025, 12, 20), reason: reason, ticket: ticket),
        };

        foreach (var reply in replies)
            reply.ShouldBe(HttpStatusCode.BadRequest)["errors"][field].ShouldNotBeNull();
        (await api.EventCountAsync()).ShouldBe(before);
        (await valley.PeriodsOfAsync(jane)).Single()["name"]!.GetValue<string>().ShouldBe("Jane Doe");
    }
}

public class when_support_names_a_teacher_nobody_registered(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task every_route_is_a_404_and_nothing_is_written()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var nobody = Guid.CreateVersion7();
        var support = await api.SupportAsync();
        var before = await api.EventCountAsync();

        var replies = new[]
        {
            await support.MergesAsync(nobody, jane, on: Day(2025, 10, 1)),
            await support.ErasesAsync(nobody, on: Day(2025, 10, 1)),
            await support.CorrectsEctStartDateAsync(nobody, Valley, Day(2025, 8, 27), on: Day(2025, 10, 1)),
            await support.CorrectsLeavingDateAsync(nobody, "ect", Valley, Day(2025, 9, 19), on: Day(2025, 10, 1)),
        };

        foreach (var reply in replies)
            reply.ShouldBe(HttpStatusCode.NotFound).Code.ShouldBe("teacher_not_found");
        (await api.EventCountAsync()).ShouldBe(before);
        await using var keys = api.Store.DataSource.CreateCommand("SELECT count(*) FROM es_personal_keys WHERE subject_id = $1");
        keys.Parameters.Add(new() { Value = nobody });
        (await keys.ExecuteScalarAsync()).ShouldBe(0L);
    }
}

public class when_a_support_request_is_retried_with_the_same_idempotency_key(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task a_correction_retry_gets_the_first_response_and_writes_nothing()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var support = await api.SupportAsync();
        var key = Guid.NewGuid().ToString();

        var first = (await support.CorrectsEctStartDateAsync(jane, Valley, Day(2025, 8, 27), on: Day(2025, 10, 1), key: key)).ShouldBe(HttpStatusCode.OK);
        var before = await api.EventCountAsync();
        var retry = (await support.CorrectsEctStartDateAsync(jane, Valley, Day(2025, 8, 27), on: Day(2025, 10, 1), key: key)).ShouldBe(HttpStatusCode.OK);

        retry.Body!.ToJsonString().ShouldBe(first.Body!.ToJsonString());
        retry.Response.Headers.GetValues("Idempotent-Replayed").Single().ShouldBe("true");
        (await api.EventCountAsync()).ShouldBe(before);
        (await api.StreamAsync(jane))[^1].Metadata.CausationId.ShouldBe(key);
    }

    [Fact]
    public async Task a_merge_retry_gets_the_first_response_and_writes_nothing()
    {
        var valley = await api.SchoolAsync(Valley);
        var kept = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var duplicate = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var support = await api.SupportAsync();
        var key = Guid.NewGuid().ToString();

        var first = (await support.MergesAsync(duplicate, kept, on: Day(2025, 10, 1), key: key)).ShouldBe(HttpStatusCode.OK);
        var before = await api.EventCountAsync();
        var retry = (await support.MergesAsync(duplicate, kept, on: Day(2025, 10, 1), key: key)).ShouldBe(HttpStatusCode.OK);

        retry.Body!.ToJsonString().ShouldBe(first.Body!.ToJsonString());
        retry.Response.Headers.Contains("Idempotent-Replayed").ShouldBeTrue();
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task an_erasure_retry_gets_the_first_response_and_writes_nothing()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var support = await api.SupportAsync();
        var key = Guid.NewGuid().ToString();

        var first = (await support.ErasesAsync(jane, on: Day(2025, 10, 1), key: key)).ShouldBe(HttpStatusCode.OK);
        var before = await api.EventCountAsync();
        var retry = (await support.ErasesAsync(jane, on: Day(2025, 10, 1), key: key)).ShouldBe(HttpStatusCode.OK);

        retry.Body!.ToJsonString().ShouldBe(first.Body!.ToJsonString());
        retry.Response.Headers.Contains("Idempotent-Replayed").ShouldBeTrue();
        (await api.EventCountAsync()).ShouldBe(before);
    }
}

public class when_the_openapi_document_is_read(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task it_names_the_support_routes_with_their_problems()
    {
        var document = JsonNode.Parse(await api.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!;

        foreach (var (path, operation) in new[]
                 {
                     ("/api/support/teachers/{teacher_id}/merge", "MergeTeachers"),
                     ("/api/support/teachers/{teacher_id}/erase", "EraseTeacherPersonalData"),
                     ("/api/support/teachers/{teacher_id}/corrections/ect-start-date", "CorrectEctStartDate"),
                     ("/api/support/teachers/{teacher_id}/corrections/leaving-date", "CorrectLeavingDate"),
                 })
        {
            var post = paths[path]?["post"] ?? throw new ShouldAssertException($"{path} is not in the document");
            post["operationId"]!.GetValue<string>().ShouldBe(operation);
            foreach (var status in new[] { "200", "400", "403", "404", "409", "422" })
                post["responses"]![status].ShouldNotBeNull($"{operation} {status}");
            post["responses"]!["200"]!.ToJsonString().ShouldContain("TeacherResponse");
        }
        paths["/api/support/teachers/{teacher_id}/corrections/leaving-date"]!["post"]!["requestBody"]!.ToJsonString().ShouldContain("LeavingDateCorrectionRequest");
    }
}
