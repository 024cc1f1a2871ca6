// Namespace differs from the folder: a RegisterEcts.Api.Console namespace would hide System.Console from the whole host.
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using RegisterEcts.Access;
using RegisterEcts.Api.Auth;
using RegisterEcts.Api.Support.History;
using RegisterEcts.EventStore;
using static RegisterEcts.Api.SupportPages.Html;

namespace RegisterEcts.Api.SupportPages;

/// <summary>
/// The support console: GOV.UK pages in the API host. A signed-in user holds a cookie that stands for a support
/// token they pasted; the token is checked again on every request, so revoking it signs them out.
/// </summary>
public static class SupportConsole
{
    public const string Scheme = "SupportConsole";

    // The cookie carries the token itself (encrypted by data protection) so each request re-validates it like a bearer token.
    private const string TokenClaim = "support_token";

    public static WebApplicationBuilder AddSupportConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<TeacherHistory>();
        builder.Services.AddAntiforgery(o => o.Cookie.Name = "rects_support_af");
        builder.Services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "rects_support";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/support/sign-in";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = async context =>
            {
                var token = context.Principal?.FindFirstValue(TokenClaim);
                var store = context.HttpContext.RequestServices.GetRequiredService<PostgresEventStore>();
                var found = token is null ? null : await ApiTokens.FindAsync(store.DataSource, token, context.HttpContext.RequestAborted);
                if (found is null || !IsSupport(found.Scope))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(Scheme);
                }
            };
        });
        return builder;
    }

    /// <summary>The support history API, the console pages and the static files they use.</summary>
    public static WebApplication MapSupportHistoryAndConsole(this WebApplication app)
    {
        app.UseStaticFiles();
        app.MapSupportHistoryEndpoints();
        app.MapGet("/support/sign-in", (HttpContext http, IAntiforgery af, string? returnUrl) => SignInPage(http, af, returnUrl, [])).ExcludeFromDescription();
        app.MapPost("/support/sign-in", SignInAsync).ExcludeFromDescription();
        app.MapPost("/support/sign-out", SignOutAsync).ExcludeFromDescription();
        var pages = app.MapGroup("/support").ExcludeFromDescription()
            .RequireAuthorization(p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireClaim(Scopes.Scope, "support", "admin"));
        TeacherPages.Map(pages);
        return app;
    }

    private static bool IsSupport(string scope) => scope is "support" or "admin";

    private static IResult SignInPage(HttpContext http, IAntiforgery af, string? returnUrl, IReadOnlyList<string> errors, int status = 200) => Page("Sign in", $"""
        {ErrorSummary(errors)}
        <h1 class="govuk-heading-l">Sign in to support</h1>
        <p class="govuk-body">Paste a support token. Create one with <code>rects tokens create --scope support</code>.</p>
        <form method="post" action="{E(Url("/support/sign-in", ("returnUrl", returnUrl)))}" novalidate>
          {Antiforgery(af, http)}
          {Field("token", "Support token", null, type: "password", width: "govuk-input--width-30")}
          <button type="submit" class="govuk-button" data-module="govuk-button" id="sign-in">Sign in</button>
        </form>
        """, signedIn: false, status: status);

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery af, PostgresEventStore store, string? returnUrl)
    {
        if (!await af.IsRequestValidAsync(http)) return SignInPage(http, af, returnUrl, ["The form had expired. Try again."], 400);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var token = form["token"].ToString().Trim();
        var found = token.Length == 0 ? null : await ApiTokens.FindAsync(store.DataSource, token, http.RequestAborted);
        if (found is null) return SignInPage(http, af, returnUrl, [token.Length == 0 ? "Enter a support token" : "That token is not known or has been revoked"], 401);
        if (!IsSupport(found.Scope)) return SignInPage(http, af, returnUrl, ["That token is not a support token"], 403);
        var identity = new ClaimsIdentity(
            [new Claim(Scopes.TokenId, found.TokenId.ToString()), new Claim(Scopes.Scope, found.Scope), new Claim(TokenClaim, token)], Scheme);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        // Only a path on this site: a crafted link must not send a freshly signed-in user elsewhere.
        var local = returnUrl is { Length: > 1 } && returnUrl[0] == '/' && returnUrl[1] is not '/' and not '\\';
        return Results.Redirect(local ? returnUrl! : "/support");
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery af)
    {
        // The form's antiforgery token was issued to the signed-in user; this route is open, so find them first.
        if (await http.AuthenticateAsync(Scheme) is { Succeeded: true } signedIn) http.User = signedIn.Principal;
        if (!await af.IsRequestValidAsync(http)) return Results.BadRequest();
        await http.SignOutAsync(Scheme);
        return Results.Redirect("/support/sign-in");
    }
}
