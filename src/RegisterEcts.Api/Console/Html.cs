using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using RegisterEcts.Shared;

namespace RegisterEcts.Api.SupportPages;

/// <summary>Server-written GOV.UK pages. Every value that did not come from this file goes through <see cref="E"/>.</summary>
internal static class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static string E(string? value) => Encoder.Encode(value ?? "");

    public static string E(object? value) => E(Convert.ToString(value, CultureInfo.InvariantCulture));

    public static string Date(DateOnly? date) => date is { } d ? E(Dates.Govuk(d)) : "";

    public static string Instant(DateTimeOffset? at) => at is { } t ? E(Stamp(t)) : "";

    /// <summary>The exact recorded time, to the microsecond, so it can be pasted back into "as known at".</summary>
    public static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static string Words(string? snake) => E(snake?.Replace('_', ' '));

    public static string Url(string path, params (string Key, string? Value)[] query)
    {
        var parts = query.Where(q => !string.IsNullOrEmpty(q.Value)).Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value!)}").ToList();
        return parts.Count == 0 ? path : $"{path}?{string.Join('&', parts)}";
    }

    public static string Antiforgery(IAntiforgery antiforgery, HttpContext http)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return $"""<input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">""";
    }

    public static string ErrorSummary(IReadOnlyCollection<string> errors)
    {
        if (errors.Count == 0) return "";
        var items = string.Concat(errors.Select(e => $"<li><a href=\"#main-content\">{E(e)}</a></li>"));
        return $"""
            <div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">
            <h2 class="govuk-error-summary__title">There is a problem</h2>
            <div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">{items}</ul></div>
            </div></div>
            """;
    }

    public static string Field(string name, string label, string? value, string? hint = null, string type = "text", string width = "govuk-input--width-20") =>
        $"""
        <div class="govuk-form-group">
          <label class="govuk-label" for="{E(name)}">{E(label)}</label>
          {(hint is null ? "" : $"<div class=\"govuk-hint\" id=\"{E(name)}-hint\">{E(hint)}</div>")}
          <input class="govuk-input {width}" id="{E(name)}" name="{E(name)}" type="{E(type)}" value="{E(value)}" autocomplete="off" spellcheck="false">
        </div>
        """;

    public static string Table(string caption, IReadOnlyList<string> headings, IEnumerable<IReadOnlyList<string>> rows, string? id = null)
    {
        var sb = new StringBuilder();
        sb.Append($"<table class=\"govuk-table\"{(id is null ? "" : $" id=\"{E(id)}\"")}><caption class=\"govuk-table__caption govuk-table__caption--m\">{E(caption)}</caption>");
        sb.Append("<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
        foreach (var h in headings) sb.Append($"<th scope=\"col\" class=\"govuk-table__header\">{E(h)}</th>");
        sb.Append("</tr></thead><tbody class=\"govuk-table__body\">");
        var any = false;
        foreach (var row in rows)
        {
            any = true;
            sb.Append("<tr class=\"govuk-table__row\">");
            // Cells arrive already encoded: callers build them with E(), Date() and friends.
            foreach (var cell in row) sb.Append($"<td class=\"govuk-table__cell\">{cell}</td>");
            sb.Append("</tr>");
        }
        if (!any) sb.Append($"<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\" colspan=\"{headings.Count}\">None</td></tr>");
        sb.Append("</tbody></table>");
        return sb.ToString();
    }

    public static string SummaryList(IEnumerable<(string Key, string Value)> rows, string? id = null)
    {
        var sb = new StringBuilder($"<dl class=\"govuk-summary-list\"{(id is null ? "" : $" id=\"{E(id)}\"")}>");
        foreach (var (key, value) in rows)
            sb.Append($"<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">{E(key)}</dt><dd class=\"govuk-summary-list__value\">{value}</dd></div>");
        return sb.Append("</dl>").ToString();
    }

    public static IResult Page(string title, string body, bool signedIn, IAntiforgery? antiforgery = null, HttpContext? http = null, int status = 200)
    {
        var signOut = signedIn && antiforgery is not null && http is not null
            ? $"""
              <nav aria-label="Menu" class="govuk-service-navigation__wrapper"><ul class="govuk-service-navigation__list" id="navigation">
                <li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="/support">Find a teacher</a></li>
                <li class="govuk-service-navigation__item"><form method="post" action="/support/sign-out">{Antiforgery(antiforgery, http)}
                  <button type="submit" class="govuk-service-navigation__link" id="sign-out"
                    style="background:none;border:0;padding:0;cursor:pointer;font:inherit;text-decoration:underline">Sign out</button></form></li>
              </ul></nav>
              """
            : "";
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en" class="govuk-template govuk-template--rebranded">
            <head>
              <meta charset="utf-8">
              <title>{{E(title)}} – Register ECTs support</title>
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <link rel="stylesheet" href="/govuk/govuk-frontend.min.css">
            </head>
            <body class="govuk-template__body">
              <script>document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');</script>
              <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>
              <header class="govuk-header" data-module="govuk-header">
                <div class="govuk-header__container govuk-width-container">
                  <div class="govuk-header__logo"><a href="/support" class="govuk-header__link govuk-header__link--homepage"><span class="govuk-header__logotype-text">Department for Education</span></a></div>
                </div>
              </header>
              <section class="govuk-service-navigation" aria-label="Service information">
                <div class="govuk-width-container"><div class="govuk-service-navigation__container">
                  <span class="govuk-service-navigation__service-name"><a href="/support" class="govuk-service-navigation__link">Register early career teachers – support</a></span>
                  {{signOut}}
                </div></div>
              </section>
              <div class="govuk-width-container">
                <main class="govuk-main-wrapper" id="main-content" role="main">
                  {{body}}
                </main>
              </div>
              <footer class="govuk-footer"><div class="govuk-width-container"><p class="govuk-body-s">Department for Education – internal support tool</p></div></footer>
              <script type="module" src="/govuk/govuk-frontend.min.js"></script>
              <script type="module">import { initAll } from '/govuk/govuk-frontend.min.js'; initAll();</script>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
