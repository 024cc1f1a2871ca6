using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RegisterEcts.Api.Auth;
using RegisterEcts.EventStore;

namespace RegisterEcts.Api.Http;

/// <summary>
/// Idempotency-Key on a POST or PUT: the first response (status and body) is kept per (token, key) and a repeat
/// gets it back without running again. A pending row is inserted first, so two copies arriving together
/// cannot both run; the same key with a different request is refused.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";

    public async Task InvokeAsync(HttpContext http, PostgresEventStore store, IProblemDetailsService problems, IEnumerable<IExceptionHandler> handlers)
    {
        var key = http.Request.Headers[Header].ToString();
        if (!(HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPut(http.Request.Method)) || http.User.Identity?.IsAuthenticated != true || string.IsNullOrWhiteSpace(key))
        {
            await next(http);
            return;
        }
        if (key.Length > 200)
        {
            await Problem(http, problems, StatusCodes.Status400BadRequest, "Idempotency-Key is too long", "Use a key of at most 200 characters.", "idempotency_key_invalid");
            return;
        }

        var token = Scopes.TokenOf(http.User);
        var hash = await RequestHashAsync(http.Request);
        var db = store.DataSource;
        if (!await ClaimAsync(db, token, key, hash, http.RequestAborted))
        {
            await ReplayAsync(http, db, problems, token, key, hash);
            return;
        }

        var original = http.Response.Body;
        await using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            try
            {
                await next(http);
            }
            catch (Exception ex)
            {
                // Problems (rule violations, conflicts) are answers too: keep them like any other response.
                http.Response.Clear();
                var handled = false;
                foreach (var handler in handlers)
                    if (handled = await handler.TryHandleAsync(http, ex, http.RequestAborted)) break;
                if (!handled) throw;
            }
        }
        catch
        {
            http.Response.Body = original;
            await ForgetAsync(db, token, key);
            throw;
        }
        http.Response.Body = original;

        if (http.Response.StatusCode >= 500)
            await ForgetAsync(db, token, key);
        else
            await RememberAsync(db, token, key, http.Response, buffer.ToArray(), http.RequestAborted);
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    }

    private static async Task<byte[]> RequestHashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        var head = Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n");
        return SHA256.HashData([.. head, .. body.ToArray()]);
    }

    private static async Task<bool> ClaimAsync(NpgsqlDataSource db, Guid token, string key, byte[] hash, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("INSERT INTO idempotent_requests (token_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING");
        cmd.Parameters.Add(new() { Value = token });
        cmd.Parameters.Add(new() { Value = key });
        cmd.Parameters.Add(new() { Value = hash });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private static async Task ReplayAsync(HttpContext http, NpgsqlDataSource db, IProblemDetailsService problems, Guid token, string key, byte[] hash)
    {
        byte[] storedHash;
        int? status;
        string? contentType;
        string? location;
        byte[]? body;
        await using (var cmd = db.CreateCommand("SELECT request_hash, status, content_type, body, location FROM idempotent_requests WHERE token_id = $1 AND key = $2"))
        {
            cmd.Parameters.Add(new() { Value = token });
            cmd.Parameters.Add(new() { Value = key });
            await using var r = await cmd.ExecuteReaderAsync(http.RequestAborted);
            if (!await r.ReadAsync(http.RequestAborted))
            {
                // The first request failed and let go of the key in between: ask the caller to try again.
                await Problem(http, problems, StatusCodes.Status409Conflict, "Retry the request", "The first request with this Idempotency-Key did not finish.", "idempotency_key_in_progress");
                return;
            }
            storedHash = r.GetFieldValue<byte[]>(0);
            status = r.IsDBNull(1) ? null : r.GetInt32(1);
            contentType = r.IsDBNull(2) ? null : r.GetString(2);
            body = r.IsDBNull(3) ? null : r.GetFieldValue<byte[]>(3);
            location = r.IsDBNull(4) ? null : r.GetString(4);
        }
        if (!storedHash.AsSpan().SequenceEqual(hash))
        {
            await Problem(http, problems, StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
                "This Idempotency-Key was used for a different request. Use a new key for a new request.", "idempotency_key_reused");
            return;
        }
        if (status is null)
        {
            await Problem(http, problems, StatusCodes.Status409Conflict, "The first request is still running",
                "A request with this Idempotency-Key is being handled. Retry in a moment to get its response.", "idempotency_key_in_progress");
            return;
        }
        http.Response.StatusCode = status.Value;
        http.Response.Headers["Idempotent-Replayed"] = "true";
        if (contentType is not null) http.Response.ContentType = contentType;
        if (location is not null) http.Response.Headers.Location = location;
        if (body is { Length: > 0 }) await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    private static async Task RememberAsync(NpgsqlDataSource db, Guid token, string key, HttpResponse response, byte[] body, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE idempotent_requests SET status = $3, content_type = $4, body = $5, location = $6 WHERE token_id = $1 AND key = $2");
        cmd.Parameters.Add(new() { Value = token });
        cmd.Parameters.Add(new() { Value = key });
        cmd.Parameters.Add(new() { Value = response.StatusCode });
        cmd.Parameters.Add(new() { Value = (object?)response.ContentType ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = body });
        cmd.Parameters.Add(new() { Value = (object?)response.Headers.Location.FirstOrDefault() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task ForgetAsync(NpgsqlDataSource db, Guid token, string key)
    {
        await using var cmd = db.CreateCommand("DELETE FROM idempotent_requests WHERE token_id = $1 AND key = $2");
        cmd.Parameters.Add(new() { Value = token });
        cmd.Parameters.Add(new() { Value = key });
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static async Task Problem(HttpContext http, IProblemDetailsService problems, int status, string title, string detail, string code)
    {
        http.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Extensions = { ["code"] = code } };
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}
