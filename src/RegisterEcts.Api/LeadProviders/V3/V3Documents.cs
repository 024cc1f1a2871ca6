using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace RegisterEcts.Api.LeadProviders.V3;

/// <summary>A resource in the JSON:API-like envelope: {"id", "type", "attributes"}.</summary>
public sealed record V3Resource<TAttributes>(string Id, string Type, TAttributes Attributes);

/// <summary>{"data": resource}.</summary>
public sealed record V3Document<T>(T Data);

/// <summary>
/// {"data": [...], "links": {"next": …}}. The reference sends no links; ours carries only the keyset
/// cursor of the next page, and only when this page was full (so a short page is the last).
/// </summary>
public sealed record V3ListDocument<T>(IReadOnlyList<T> Data, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] V3Links? Links);

public sealed record V3Links(string Next);

/// <summary>
/// Writing v3 answers. How to add an endpoint (participants, declarations, statements …) to the group that
/// LeadProviderApi.MapLeadProviderApi builds:
/// <list type="number">
/// <item>get the caller's lead provider with <see cref="V3.LeadProviderOf"/> (the group already refused other tokens with the v3 401);</item>
/// <item>lists: <see cref="V3ListRequest.Parse"/> the query, build a <see cref="V3Query"/> on your projected table
///   (scope to the lead provider with Where, filters with Param), ReadAsync, and answer <see cref="V3.List"/>;</item>
/// <item>one resource: answer <see cref="V3.One"/>, or throw <see cref="V3Exception.NotFound"/> when the provider may not see it;</item>
/// <item>writes: read the body with <see cref="V3Body.AttributesAsync"/> (the v3 400 on a malformed body), collect
///   rule failures as <see cref="V3Error"/>(attribute, reference words) and throw <see cref="V3Exception.Unprocessable(IEnumerable{V3Error})"/>.</item>
/// </list>
/// The group filter turns V3Exception (and a stray RuleViolation) into the v3 error shape; other problems under
/// /api/v3 are reworded by V3ProblemWriter. POST and PUT honour Idempotency-Key (Http/Idempotency.cs).
/// </summary>
public static class V3
{
    public static Guid LeadProviderOf(HttpContext http) =>
        Auth.Scopes.LeadProvider(http.User) ?? throw new InvalidOperationException("The v3 group filter lets only lead-provider tokens through");

    public static JsonHttpResult<V3Document<V3Resource<T>>> One<T>(string type, Guid id, T attributes) =>
        TypedResults.Json(new V3Document<V3Resource<T>>(new(id.ToString(), type, attributes)), V3Json.Options);

    public static JsonHttpResult<V3ListDocument<V3Resource<T>>> List<T>(HttpRequest request, string type, V3Page<(Guid Id, T Attributes)> page) =>
        TypedResults.Json(
            new V3ListDocument<V3Resource<T>>([.. page.Rows.Select(r => new V3Resource<T>(r.Id.ToString(), type, r.Attributes))], NextLink(request, page.Next)),
            V3Json.Options);

    /// The same request with the next page's cursor in place of page[page] and any earlier cursor.
    private static V3Links? NextLink(HttpRequest request, V3Cursor? next)
    {
        if (next is null) return null;
        var query = request.Query
            .Where(q => q.Key is not ("page[page]" or "page[cursor]"))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new("page[cursor]", next.Encode()));
        return new V3Links(QueryHelpers.AddQueryString($"{request.PathBase}{request.Path}", query));
    }
}
