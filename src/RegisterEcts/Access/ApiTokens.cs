using System.Security.Cryptography;
using Npgsql;

namespace RegisterEcts.Access;

public sealed record ApiToken(Guid TokenId, string Scope);

/// Bearer tokens: random, shown once, stored only as their SHA-256.
public static class ApiTokens
{
    public static readonly string[] FixedScopes = ["support", "admin"];

    /// school:URN, appropriate-body:ID, support or admin.
    public static bool IsValidScope(string scope) =>
        FixedScopes.Contains(scope)
        || (scope.StartsWith("school:", StringComparison.Ordinal) && int.TryParse(scope["school:".Length..], out var urn) && urn is >= 100000 and <= 999999)
        || (scope.StartsWith("appropriate-body:", StringComparison.Ordinal) && Guid.TryParse(scope["appropriate-body:".Length..], out _))
        || (scope.StartsWith("lead-provider:", StringComparison.Ordinal) && Guid.TryParse(scope["lead-provider:".Length..], out _));

    public static async Task<string> CreateAsync(NpgsqlDataSource db, string scope, CancellationToken ct)
    {
        if (!IsValidScope(scope))
            throw new ArgumentException($"'{scope}' is not a scope: use school:URN, appropriate-body:ID, lead-provider:ID, support or admin.", nameof(scope));
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var cmd = db.CreateCommand("INSERT INTO api_tokens (token_id, token_hash, scope) VALUES ($1, $2, $3)");
        cmd.Parameters.Add(new() { Value = Guid.CreateVersion7() });
        cmd.Parameters.Add(new() { Value = Hash(token) });
        cmd.Parameters.Add(new() { Value = scope });
        await cmd.ExecuteNonQueryAsync(ct);
        return token;
    }

    public static async Task<ApiToken?> FindAsync(NpgsqlDataSource db, string token, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT token_id, scope FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL");
        cmd.Parameters.Add(new() { Value = Hash(token) });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new ApiToken(r.GetGuid(0), r.GetString(1)) : null;
    }

    public static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
