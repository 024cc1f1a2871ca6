using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using RegisterEcts.Access;
using RegisterEcts.EventStore;

namespace RegisterEcts.Api.Auth;

/// <summary>Authorization: Bearer &lt;token&gt; → the token's id and scope as claims.</summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, PostgresEventStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var token = header["Bearer ".Length..].Trim();
        if (token.Length == 0) return AuthenticateResult.Fail("Empty bearer token");
        var found = await ApiTokens.FindAsync(store.DataSource, token, Context.RequestAborted);
        if (found is null) return AuthenticateResult.Fail("Unknown or revoked token");
        var identity = new ClaimsIdentity([new Claim(Scopes.TokenId, found.TokenId.ToString()), new Claim(Scopes.Scope, found.Scope)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }
}
