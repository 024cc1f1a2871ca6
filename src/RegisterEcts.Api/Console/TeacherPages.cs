using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using RegisterEcts.Api.Auth;
using RegisterEcts.Api.Http;
using RegisterEcts.Api.Reference;
using RegisterEcts.Api.Support.History;
using RegisterEcts.Api.Teachers;
using RegisterEcts.EventStore;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Api.SupportPages.Html;

namespace RegisterEcts.Api.SupportPages;

/// <summary>Search, and one teacher: state on a date as known at a time, lead provider views, timeline, changes, corrections.</summary>
internal static class TeacherPages
{
    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("", SearchAsync);
        pages.MapGet("/teachers/{teacher_id:guid}", TeacherAsync);
        pages.MapPost("/teachers/{teacher_id:guid}/corrections/{kind}", CorrectAsync);
    }

    private static async Task<IResult> SearchAsync(HttpContext http, IAntiforgery af, TeacherHistory history, string? q, CancellationToken ct)
    {
        var body = new StringBuilder();
        var errors = new List<string>();
        IReadOnlyList<TeacherMatch>? found = null;
        if (q is not null)
        {
            if (q.Trim().Length < 2) errors.Add("Enter at least 2 characters: a TRN, a name, an email or a school URN");
            else found = await TeacherSearch.FindAsync(history.Store.DataSource, q, ct);
        }
        body.Append(ErrorSummary(errors));
        body.Append($"""
            <h1 class="govuk-heading-l">Find a teacher</h1>
            <form method="get" action="/support" role="search">
              {Field("q", "TRN, name, email or school URN", q, width: "govuk-input--width-30")}
              <button type="submit" class="govuk-button" data-module="govuk-button" id="search">Search</button>
            </form>
            """);
        if (found is not null)
        {
            body.Append(Table($"{found.Count} teacher{(found.Count == 1 ? "" : "s")} found", ["Name", "TRN", "Schools"], found.Select(t => (IReadOnlyList<string>)
            [
                $"<a class=\"govuk-link\" href=\"/support/teachers/{t.TeacherId}\">{E(t.Name)}</a>",
                E(t.Trn),
                string.Join("<br>", t.Schools.Select(s => $"{E(s.Name)} ({E(s.Urn)}), {Words(s.Role)} from {Date(s.StartedOn)}{(s.FinishedOn is null ? "" : $" to {Date(s.FinishedOn)}")}")),
            ]), id: "results"));
        }
        return Page("Find a teacher", body.ToString(), signedIn: true, af, http, errors.Count > 0 ? 400 : 200);
    }

    private static async Task<IResult> TeacherAsync([Microsoft.AspNetCore.Mvc.FromRoute(Name = "teacher_id")] Guid teacherId, HttpContext http, IAntiforgery af,
        TeacherHistory history, RequestClock clock, CancellationToken ct) =>
        await RenderAsync(teacherId, http, af, history, clock, [], 200, ct);

    private static async Task<IResult> RenderAsync(Guid teacherId, HttpContext http, IAntiforgery af, TeacherHistory history, RequestClock clock,
        IReadOnlyList<string> problems, int status, CancellationToken ct)
    {
        var query = http.Request.Query;
        var errors = new Dictionary<string, string[]>();
        var asOf = TeacherHistory.ParseDate(query["as_of"], "as_of", errors) ?? clock.Today;
        var knownAt = TeacherHistory.ParseInstant(query["known_at"], "known_at", errors);
        var from = TeacherHistory.ParseInstant(query["from"], "from", errors);
        var to = TeacherHistory.ParseInstant(query["to"], "to", errors);
        var allErrors = problems.Concat(errors.Values.SelectMany(v => v)).ToList();
        if (allErrors.Count > problems.Count) status = 400;

        TeacherStateResponse state;
        IReadOnlyList<TimelineRow> timeline;
        try
        {
            state = await history.StateAsync(teacherId, asOf, knownAt, ct);
            timeline = await history.TimelineAsync(teacherId, ct);
        }
        catch (HttpProblem p) when (p.Status == StatusCodes.Status404NotFound)
        {
            return Page("Teacher not found", $"<h1 class=\"govuk-heading-l\">Teacher not found</h1><p class=\"govuk-body\">{E(p.Message)}</p>", true, af, http, 404);
        }
        var current = knownAt is null ? state : await history.StateAsync(teacherId, asOf, null, ct);
        var changes = from is { } f ? await history.ChangesAsync(teacherId, f, to ?? history.Now, ct) : null;

        var body = new StringBuilder(ErrorSummary(allErrors));
        body.Append($"""
            <span class="govuk-caption-l">TRN {E(current.Trn)}</span>
            <h1 class="govuk-heading-l" id="teacher-name">{E(current.Name)}</h1>
            {(current.Erased ? "<p class=\"govuk-body\"><strong class=\"govuk-tag govuk-tag--grey\">Personal data erased</strong></p>" : "")}
            {(current.MergedInto is { } into ? $"<p class=\"govuk-body\">Merged into <a class=\"govuk-link\" href=\"/support/teachers/{into}\">another record</a>.</p>" : "")}
            <form method="get" action="/support/teachers/{teacherId}" id="as-of-form" class="govuk-!-margin-bottom-6">
              <h2 class="govuk-heading-m">State</h2>
              <div class="govuk-grid-row">
                <div class="govuk-grid-column-one-third">{Field("as_of", "As of (date)", asOf.ToString("yyyy-MM-dd"), "The day the statuses are worked out for, like 2025-09-01", width: "govuk-input--width-10")}</div>
                <div class="govuk-grid-column-two-thirds">{Field("known_at", "As known at (recorded time, UTC)", knownAt is { } k ? Stamp(k) : null, "Leave blank for everything recorded so far, or paste a recorded time from the timeline", width: "govuk-input--width-20")}</div>
              </div>
              <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="show-state">Show state</button>
            </form>
            """);
        body.Append(StateSection(state));
        body.Append(LeadProviderSection(state));
        body.Append(ChangesSection(teacherId, from, to, changes));
        body.Append(TimelineSection(timeline));
        body.Append(CorrectionsSection(teacherId, current, http, af));
        return Page(current.Name ?? "Teacher", body.ToString(), signedIn: true, af, http, status);
    }

    private static string School(SchoolRef? s) => s is null ? "" : s.Name is null ? E(s.SchoolId) : $"{E(s.Name)} ({E(s.Urn)})";

    private static string Tag(string? status) => status is null ? "" : $"<strong class=\"govuk-tag govuk-tag--{(status switch
    {
        "active" or "in_progress" or "passed" => "green",
        "leaving" or "joining" or "not_started" or "paused" => "yellow",
        "deferred" => "orange",
        "withdrawn" or "failed" => "red",
        _ => "grey",
    })}\">{Words(status)}</strong>";

    private static string StateSection(TeacherStateResponse s)
    {
        var sb = new StringBuilder($"""<div id="state" data-as-of="{E(s.AsOf.ToString("yyyy-MM-dd"))}">""");
        sb.Append($"""<p class="govuk-body">On <strong>{Date(s.AsOf)}</strong>, from the {E(s.EventsKnown)} change{(s.EventsKnown == 1 ? "" : "s")} recorded by <strong>{Instant(s.KnownAt)}</strong>:</p>""");
        if (!s.Registered)
            return sb.Append("<p class=\"govuk-body\" id=\"not-registered\">Nothing had been recorded about this teacher by then.</p></div>").ToString();
        sb.Append(SummaryList(
        [
            ("Name", E(s.Name)),
            ("As an ECT", s.Ect.AtSchool == "none" ? "Not an ECT" : $"{Tag(s.Ect.AtSchool)} {School(s.Ect.School)}"),
            ("ECT training", Tag(s.Ect.TrainingStatus)),
            ("As a mentor", s.Mentor.AtSchool == "none" ? "Not a mentor" : $"{Tag(s.Mentor.AtSchool)} {School(s.Mentor.School)}"),
            ("Mentor training", Tag(s.Mentor.TrainingStatus)),
            ("Induction", Tag(s.InductionStatus)),
        ], id: "statuses"));
        sb.Append(Table("ECT at school periods", ["School", "Started", "Finished", "Status", "Email", "Working pattern"], s.EctAtSchoolPeriods.Select(p => (IReadOnlyList<string>)
            [School(p.School), Date(p.StartedOn), Date(p.FinishedOn), Tag(p.Status), E(p.Email), Words(p.WorkingPattern is { } w ? System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(w.ToString()) : null)]), id: "ect-periods"));
        sb.Append(Table("Mentor at school periods", ["School", "Started", "Finished", "Status", "Email"], s.MentorAtSchoolPeriods.Select(p => (IReadOnlyList<string>)
            [School(p.School), Date(p.StartedOn), Date(p.FinishedOn), Tag(p.Status), E(p.Email)]), id: "mentor-periods"));
        sb.Append(Table("Training periods", ["Role", "School", "Started", "Finished", "Lead provider", "Cohort", "Status"], s.TrainingPeriods.Select(p => (IReadOnlyList<string>)
            [E(p.Role == TeacherRole.Ect ? "ECT" : "Mentor"), School(p.School), Date(p.StartedOn), Date(p.FinishedOn),
             p.TrainingProgramme == TrainingProgramme.SchoolLed ? "School-led" : $"{E(p.LeadProviderName)}{(p.Confirmed ? "" : " (awaiting partnership)")}",
             E(p.ContractPeriodYear), Tag(p.Status)]), id: "training-periods"));
        sb.Append(Table("Induction periods", ["Appropriate body", "Started", "Finished", "Terms", "Status"], s.InductionPeriods.Select(p => (IReadOnlyList<string>)
            [E(p.AppropriateBodyName ?? p.AppropriateBodyId.ToString()), Date(p.StartedOn), Date(p.FinishedOn), E(p.NumberOfTerms), Tag(p.Status)]), id: "induction-periods"));
        return sb.Append("</div>").ToString();
    }

    private static string LeadProviderSection(TeacherStateResponse s)
    {
        var sb = new StringBuilder("<div id=\"lead-provider-views\"><h2 class=\"govuk-heading-m\" id=\"lead-providers\">What each lead provider sees</h2>");
        if (s.LeadProviders.Count == 0) return sb.Append("<p class=\"govuk-body\">No lead provider sees this teacher.</p></div>").ToString();
        foreach (var view in s.LeadProviders)
            sb.Append($"""
                <div class="govuk-summary-card lead-provider-view">
                  <div class="govuk-summary-card__title-wrapper"><h3 class="govuk-summary-card__title">{E(view.LeadProviderName)}</h3></div>
                  <div class="govuk-summary-card__content">
                    <p class="govuk-body">api_updated_at: <strong class="api-updated-at">{Instant(view.ApiUpdatedAt)}</strong>
                      <span class="govuk-hint">{(view.Source == "replay" ? "rebuilt from the events known then" : "as the lead provider API serves it now")}</span></p>
                    <pre class="govuk-body-s" style="white-space:pre-wrap">{E(view.Document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }))}</pre>
                  </div>
                </div>
                """);
        return sb.Append("</div>").ToString();
    }

    private static string ChangesSection(Guid teacherId, DateTimeOffset? from, DateTimeOffset? to, ChangesResponse? changes)
    {
        var sb = new StringBuilder($"""
            <h2 class="govuk-heading-m">What changed between two times</h2>
            <form method="get" action="/support/teachers/{teacherId}" id="changes-form">
              <div class="govuk-grid-row">
                <div class="govuk-grid-column-one-half">{Field("from", "From (recorded time, UTC)", from is { } f ? Stamp(f) : null)}</div>
                <div class="govuk-grid-column-one-half">{Field("to", "To (blank for now)", to is { } t ? Stamp(t) : null)}</div>
              </div>
              <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="show-changes">Show changes</button>
            </form>
            """);
        if (changes is null) return sb.ToString();
        sb.Append(Table($"{changes.Changes.Count} field{(changes.Changes.Count == 1 ? "" : "s")} changed", ["Field", "Was", "Became"], changes.Changes.Select(c => (IReadOnlyList<string>)
            [$"<code>{E(c.Field)}</code>", E(c.From ?? "none"), E(c.To ?? "none")]), id: "changes"));
        sb.Append(Table("Recorded in between", ["Recorded", "Change", "By", "Reason", "Ticket"], changes.RecordedBetween.Select(c => (IReadOnlyList<string>)
            [Instant(c.RecordedAt), Words(c.EventType), E(c.ActorName), E(c.Reason), E(c.SupportTicket)])));
        return sb.ToString();
    }

    private static string TimelineSection(IReadOnlyList<TimelineRow> timeline) =>
        Table("Timeline (newest first)", ["Recorded", "Happened on", "What", "By", "Reason and ticket", "Changed"], timeline.Select(t => (IReadOnlyList<string>)
        [
            $"<code>{Instant(t.RecordedAt)}</code>", Date(t.HappenedOn), E(t.Heading), $"{E(t.ActorName)} <span class=\"govuk-hint\">({E(t.ActorType)})</span>",
            t.Reason is null && t.SupportTicket is null ? "" : $"{E(t.Reason)}<br><strong>{E(t.SupportTicket)}</strong>",
            string.Join("<br>", t.Changes.Select(c => E(c)).Concat(t.PersonalChanges.Select(c => $"{E(c)} <span class=\"govuk-hint\">(personal)</span>"))),
        ]), id: "timeline");

    private static string CorrectionsSection(Guid teacherId, TeacherStateResponse s, HttpContext http, IAntiforgery af)
    {
        if (!s.Registered || s.Erased || s.MergedInto is not null) return "";
        var urns = s.EctAtSchoolPeriods.Concat(s.MentorAtSchoolPeriods).Select(p => p.School.Urn).Distinct().ToList();
        var hint = urns.Count == 0 ? null : "This teacher's schools: " + string.Join(", ", urns);
        return $"""
            <h2 class="govuk-heading-m">Correct a date</h2>
            <div class="govuk-grid-row">
              <form method="post" action="/support/teachers/{teacherId}/corrections/ect-start-date" class="govuk-grid-column-one-half" id="correct-start">
                <h3 class="govuk-heading-s">ECT start date</h3>
                {Antiforgery(af, http)}
                {Field("school_urn", "School URN", null, hint, width: "govuk-input--width-10")}
                {Field("started_on", "Started on", null, "Like 2025-09-01", width: "govuk-input--width-10")}
                {Field("reason", "Reason", null)}
                {Field("support_ticket", "Support ticket", null, width: "govuk-input--width-10")}
                <button type="submit" class="govuk-button" data-module="govuk-button">Correct start date</button>
              </form>
              <form method="post" action="/support/teachers/{teacherId}/corrections/leaving-date" class="govuk-grid-column-one-half" id="correct-leaving">
                <h3 class="govuk-heading-s">Leaving date</h3>
                {Antiforgery(af, http)}
                <div class="govuk-form-group"><label class="govuk-label" for="role">Role</label>
                  <select class="govuk-select" id="role" name="role"><option value="ect">ECT</option><option value="mentor">Mentor</option></select></div>
                {Field("school_urn", "School URN", null, hint, width: "govuk-input--width-10")}
                {Field("left_on", "Left on", null, "Like 2026-01-31", width: "govuk-input--width-10")}
                {Field("reason", "Reason", null)}
                {Field("support_ticket", "Support ticket", null, width: "govuk-input--width-10")}
                <button type="submit" class="govuk-button" data-module="govuk-button">Correct leaving date</button>
              </form>
            </div>
            """;
    }

    /// <summary>The same commands, rules and metadata as POST /api/support/teachers/{id}/corrections/*, driven from a form.</summary>
    private static async Task<IResult> CorrectAsync([Microsoft.AspNetCore.Mvc.FromRoute(Name = "teacher_id")] Guid teacherId, string kind, HttpContext http,
        IAntiforgery af, TeacherHistory history, ReferenceCache references, RequestClock clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await af.IsRequestValidAsync(http)) return await RenderAsync(teacherId, http, af, history, clock, ["The form had expired. Try again."], 400, ct);
        var form = await http.Request.ReadFormAsync(ct);
        var errors = new Dictionary<string, string[]>();
        var reason = form["reason"].ToString().Trim();
        var ticket = form["support_ticket"].ToString().Trim();
        if (reason.Length == 0) errors["reason"] = ["Enter a reason"];
        if (ticket.Length == 0) errors["support_ticket"] = ["Enter the support ticket reference"];
        if (!int.TryParse(form["school_urn"], out var urn)) errors["school_urn"] = ["Enter the school's URN, 6 digits"];
        var date = TeacherHistory.ParseDate(form[kind == "ect-start-date" ? "started_on" : "left_on"], "date", errors);
        if (date is null && !errors.ContainsKey("date")) errors["date"] = ["Enter the date, like 2025-09-01"];
        if (errors.Count > 0) return await RenderAsync(teacherId, http, af, history, clock, errors.Values.SelectMany(v => v).ToList(), 400, ct);

        var store = history.Store;
        var context = Scopes.ContextOf(user, http) with { Reason = reason, SupportTicket = ticket };
        try
        {
            var school = await Scopes.SchoolAsync(user, store, urn, ct);
            var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
            switch (kind)
            {
                case "ect-start-date":
                    var start = new CorrectEctStartDate(teacherId, school.SchoolId, date!.Value, reason, ticket, clock.Today);
                    if (Invalid(new CorrectEctStartDate.Validator().Validate(start)) is { } badStart) return await RenderAsync(teacherId, http, af, history, clock, badStart, 400, ct);
                    await TeacherStreams.AppendAsync(store, CorrectEctStartDate.Decide(start, teacher.State, await references.GetAsync(ct)), context, ct, teacher);
                    break;
                case "leaving-date":
                    var role = form["role"] == "mentor" ? TeacherRole.Mentor : TeacherRole.Ect;
                    var leaving = new CorrectLeavingDate(teacherId, role, school.SchoolId, date!.Value, reason, ticket, clock.Today);
                    if (Invalid(new CorrectLeavingDate.Validator().Validate(leaving)) is { } badLeaving) return await RenderAsync(teacherId, http, af, history, clock, badLeaving, 400, ct);
                    await TeacherStreams.AppendAsync(store, CorrectLeavingDate.Decide(leaving, teacher.State), context, ct, teacher);
                    break;
                default:
                    return Results.NotFound();
            }
        }
        catch (Exception e) when (e is RuleViolation or HttpProblem or StreamConflictException)
        {
            return await RenderAsync(teacherId, http, af, history, clock, [e.Message], e is RuleViolation ? 422 : 400, ct);
        }
        // Post/redirect/get: a refresh does not record the correction twice.
        return Results.Redirect($"/support/teachers/{teacherId}");
    }

    private static List<string>? Invalid(FluentValidation.Results.ValidationResult result) =>
        result.IsValid ? null : result.Errors.Select(e => e.ErrorMessage).Distinct().ToList();
}
