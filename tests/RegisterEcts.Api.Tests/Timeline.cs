using System.Net;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Teachers.Timeline;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

/// One teacher_timeline row, its heading rendered with the teachers' current names.
public sealed record TimelineRow(
    long Sequence, long StreamVersion, string EventType, string Heading, string RawHeading, DateOnly? HappenedOn, DateTimeOffset RecordedAt,
    string ActorType, string? ActorId, string ActorName, string? Reason, string? SupportTicket, string[] Changes, string[] PersonalChanges);

public static class TimelineReader
{
    /// A teacher's timeline, oldest first.
    public static async Task<IReadOnlyList<TimelineRow>> TimelineAsync(this ApiWithSchools api, Guid teacherId)
    {
        var names = new Dictionary<Guid, string>();
        await using (var cmd = api.Store.DataSource.CreateCommand("SELECT teacher_id, name FROM teacher_trns"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) names[r.GetGuid(0)] = r.GetString(1);
        await using var rows = api.Store.DataSource.CreateCommand(
            """
            SELECT sequence, stream_version, event_type, heading, happened_on, recorded_at, actor_type, actor_id, actor_name, reason, support_ticket,
                   changes, personal_changes
            FROM teacher_timeline WHERE teacher_id = $1 ORDER BY sequence
            """);
        rows.Parameters.Add(new() { Value = teacherId });
        var list = new List<TimelineRow>();
        await using var reader = await rows.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var heading = reader.GetString(3);
            list.Add(new(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), TimelineText.Render(heading, names), heading,
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4), reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.GetFieldValue<string[]>(11), reader.GetFieldValue<string[]>(12)));
        }
        return list;
    }

    public static TimelineRow Row(this IReadOnlyList<TimelineRow> rows, string eventType) => rows.Single(r => r.EventType == eventType);
}

public class when_support_reads_a_teachers_timeline(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private const string ValleyName = "Valley Road Primary School (URN 100009)";

    [Fact]
    public async Task an_ects_first_year_reads_as_one_plain_english_row_per_event()
    {
        var valley = await api.SchoolAsync(Valley);
        var body = await api.AppropriateBodyAsync(Kingfisher);
        var trn = Trns.Next();
        var jane = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Jane Timeline")).ShouldBe(HttpStatusCode.Created).TeacherId;
        var maria = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Maria Timeline")).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.AssignsMentorAsync(jane, maria, on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);
        (await body.ClaimsAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 10))).ShouldBe(HttpStatusCode.OK);
        (await valley.ChangesEctLeadProviderAsync(jane, TeachFirst, on: Day(2026, 1, 5))).ShouldBe(HttpStatusCode.OK);
        (await valley.ChangesWorkingPatternAsync(jane, "part_time", on: Day(2026, 2, 2))).ShouldBe(HttpStatusCode.OK);

        (await body.RecordsOutcomeAsync(jane, "pass", Day(2026, 7, 17), 3, on: Day(2026, 7, 20))).ShouldBe(HttpStatusCode.OK);

        var rows = await api.TimelineAsync(jane);
        var events = (await api.StreamAsync(jane)).ToList();
        rows.Select(r => (r.Sequence, r.StreamVersion, r.EventType, r.RecordedAt)).ShouldBe(events.Select(e => (e.Sequence, e.Version, e.TypeName, e.RecordedAt)));
        var registered = rows.Row("teacher_registered_as_ect");
        registered.Heading.ShouldBe($"Jane Timeline was registered as an ECT at {ValleyName} starting 1 September 2025");
        registered.HappenedOn.ShouldBe(Day(2025, 9, 1));
        (registered.ActorType, registered.ActorId, registered.ActorName).ShouldBe(("school", "100009", ValleyName));
        registered.Changes.ShouldContain("Appropriate body set to 'Kingfisher Teaching School Hub'");
        registered.PersonalChanges.ShouldBe(["Name set to 'Jane Timeline'", "Email address set to 'jane@example.com'"]);
        rows.Row("teacher_starts_being_mentored").Heading.ShouldBe("Jane Timeline is mentored by Maria Timeline from 2 September 2025");
        var claimed = rows.Row("induction_period_opened");
        claimed.Heading.ShouldBe("Kingfisher Teaching School Hub claimed Jane Timeline's induction, starting 1 September 2025");
        (claimed.ActorType, claimed.ActorName).ShouldBe(("appropriate_body", "Kingfisher Teaching School Hub"));
        var providerChanged = rows.Row("teacher_training_lead_provider_updated");
        providerChanged.Heading.ShouldBe("Lead provider changed from Ambition Institute to Teach First from 5 January 2026");
        providerChanged.Changes.ShouldBe(["Lead provider changed from 'Ambition Institute' to 'Teach First'"]);
        providerChanged.HappenedOn.ShouldBe(Day(2026, 1, 5));
        var pattern = rows.Row("teacher_working_pattern_updated");
        pattern.Changes.ShouldBe(["Working pattern changed from 'full time' to 'part time'"]);
        rows.Row("teacher_induction_outcome_recorded").Heading
            .ShouldBe("Jane Timeline passed induction on 17 July 2026, recorded by Kingfisher Teaching School Hub after 3 terms");
        // Training with Ambition ended (or was replaced) when Teach First took over: worded with the provider it had.
        rows.Where(r => r.EventType is "teacher_finishes_training_period" or "teacher_training_period_removed")
            .ShouldContain(r => r.Heading.Contains("training with Ambition Institute"));
        rows.ShouldAllBe(r => !r.RawHeading.Contains("Jane Timeline") && !r.Changes.Any(c => c.Contains("Jane Timeline")));
    }

    [Fact]
    public async Task the_mentor_sees_the_same_mentorship_on_their_own_timeline()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Jane Mentee")).ShouldBe(HttpStatusCode.Created).TeacherId;
        var maria = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Maria Mentor")).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await valley.AssignsMentorAsync(jane, maria, on: Day(2025, 9, 3))).ShouldBe(HttpStatusCode.OK);

        var onMentor = (await api.TimelineAsync(maria)).Row("teacher_starts_mentoring");
        onMentor.Heading.ShouldBe("Jane Mentee is mentored by Maria Mentor from 3 September 2025");
        onMentor.RawHeading.ShouldBe($"{{teacher:{jane}}} is mentored by {{teacher:{maria}}} from 3 September 2025");
        (await api.TimelineAsync(jane)).Row("teacher_starts_being_mentored").Heading.ShouldBe(onMentor.Heading);
    }

    [Fact]
    public async Task a_support_correction_shows_who_why_the_ticket_and_both_dates()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Jane Corrected")).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await (await api.SupportAsync()).CorrectsEctStartDateAsync(jane, Valley, Day(2025, 8, 27), on: Day(2025, 9, 20), reason: "Typo by the school", ticket: "ZD-9001"))
            .ShouldBe(HttpStatusCode.OK);

        var row = (await api.TimelineAsync(jane)).Row("teacher_ect_start_date_corrected");
        row.Heading.ShouldBe($"Jane Corrected's ECT start date at {ValleyName} was corrected from 1 September 2025 to 27 August 2025");
        (row.ActorType, row.ActorName, row.Reason, row.SupportTicket).ShouldBe(("support", "DfE support", "Typo by the school", "ZD-9001"));
        row.Changes.ShouldBe(["Start date changed from '1 September 2025' to '27 August 2025'"]);
        row.HappenedOn.ShouldBe(Day(2025, 8, 27));
    }

    [Fact]
    public async Task an_email_change_is_kept_apart_as_a_personal_change()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Jane Email")).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await valley.ChangesEmailAsync(jane, "jane.new@valley.example", on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        var row = (await api.TimelineAsync(jane)).Row("teacher_email_address_updated");
        row.Heading.ShouldBe($"Jane Email's email address at {ValleyName} was changed");
        row.Changes.ShouldBeEmpty();
        row.PersonalChanges.ShouldBe(["Email address changed from 'jane@example.com' to 'jane.new@valley.example'"]);
    }

    [Fact]
    public async Task erasing_a_teacher_erases_the_personal_changes_of_every_row_and_keeps_the_facts()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Jane Forgotten")).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.ChangesEmailAsync(jane, "jane.forgotten@valley.example", on: Day(2025, 9, 15))).ShouldBe(HttpStatusCode.OK);
        var before = await api.TimelineAsync(jane);

        (await (await api.SupportAsync()).ErasesAsync(jane, on: Day(2025, 10, 1), reason: "Subject access request", ticket: "ZD-42")).ShouldBe(HttpStatusCode.OK);

        var rows = await api.TimelineAsync(jane);
        rows.Count.ShouldBe(before.Count + 1);
        rows.ShouldAllBe(r => r.PersonalChanges.SequenceEqual(new[] { PersonalData.Erased }));
        rows.Take(before.Count).Select(r => (r.RawHeading, string.Join("|", r.Changes))).ShouldBe(before.Select(r => (r.RawHeading, string.Join("|", r.Changes))));
        var erased = rows[^1];
        erased.Heading.ShouldBe("[erased]'s personal data was erased (right to erasure)");
        (erased.Reason, erased.SupportTicket, erased.ActorType).ShouldBe(("Subject access request", "ZD-42", "support"));
        await using var cmd = api.Store.DataSource.CreateCommand(
            "SELECT count(*) FROM teacher_timeline WHERE teacher_id = $1 AND (heading || array_to_string(changes || personal_changes, ' ')) ~ 'Forgotten|forgotten'");
        cmd.Parameters.Add(new() { Value = jane });
        (await cmd.ExecuteScalarAsync()).ShouldBe(0L);
    }

    [Fact]
    public async Task a_merge_is_recorded_on_both_records_with_the_reason_and_ticket()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var kept = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Kim Kept")).ShouldBe(HttpStatusCode.Created).TeacherId;
        var duplicate = (await underwood.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Kim Duplicate")).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await (await api.SupportAsync()).MergesAsync(duplicate, kept, on: Day(2025, 10, 1), reason: "Same person", ticket: "ZD-7")).ShouldBe(HttpStatusCode.OK);

        var merged = (await api.TimelineAsync(duplicate)).Row("teacher_merged");
        merged.Heading.ShouldBe("Kim Duplicate was merged into Kim Kept on 1 October 2025");
        (merged.Reason, merged.SupportTicket).ShouldBe(("Same person", "ZD-7"));
        var history = (await api.TimelineAsync(kept)).Row("teacher_history_merged");
        history.Heading.ShouldBe("Kim Duplicate's history was merged into Kim Kept on 1 October 2025: 1 mentor period");
        history.Changes.ShouldBe(["Mentor period at Underwood Primary School (URN 100252) from 1 September 2025, ongoing added"]);
        history.PersonalChanges.ShouldBe(["Email address at Underwood Primary School (URN 100252) set to 'maria@example.com'"]);
    }
}

/// Careers with every kind of change, including GIAS moving a teacher, a merge and an erasure, then the table rebuilt from the events.
public class when_the_timeline_is_rebuilt(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private const int LittleSnoring = 121044;
    private const int Fakenham = 121045;

    [Fact]
    public async Task the_rebuilt_rows_equal_the_rows_written_live()
    {
        // Little Snoring is open in June; the September extract merges it into Fakenham Junior. Valley is an infant
        // school in June and renamed in September: each row keeps the name the school had when it was written.
        var earlier = string.Join('\n', File.ReadAllLines(SamplePath("gias", "schools.csv"))
            .Where(l => !l.StartsWith($"{OakfieldAcademy},", StringComparison.Ordinal))
            .Select(l => l.StartsWith($"{LittleSnoring},", StringComparison.Ordinal) || l.StartsWith($"{Oakfield},", StringComparison.Ordinal)
                ? System.Text.RegularExpressions.Regex.Replace(l, @",Closed,([0-9-]*),[0-9-]+,", ",Open,$1,,")
                : l.Replace("Valley Road Primary School", "Valley Road Infant School")));
        await api.ImportGiasAsync(earlier, "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n", Day(2025, 6, 1));
        var littleSnoring = await api.SchoolAsync(LittleSnoring);
        var valley = await api.SchoolAsync(Valley);
        var body = await api.AppropriateBodyAsync(Kingfisher);
        var support = await api.SupportAsync();

        var moverTrn = Trns.Next();
        var mover = (await littleSnoring.RegistersEctAsync(moverTrn, Day(2025, 7, 1), on: Day(2025, 7, 1), name: "Mo Mover")).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await body.ClaimsAsync(moverTrn, Day(2025, 7, 1), on: Day(2025, 7, 2))).ShouldBe(HttpStatusCode.OK);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Jane Rebuilt")).ShouldBe(HttpStatusCode.Created).TeacherId;
        var maria = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition, name: "Maria Rebuilt"))
            .ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.AssignsMentorAsync(jane, maria, on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);
        (await valley.ChangesTrainingProgrammeAsync(jane, "school_led", on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);
        (await valley.CorrectsNameAsync(jane, "Jane Rebuilt-Smith", on: Day(2025, 10, 2))).ShouldBe(HttpStatusCode.OK);
        (await valley.ChangesEmailAsync(maria, "maria.new@valley.example", on: Day(2025, 10, 3))).ShouldBe(HttpStatusCode.OK);
        (await support.CorrectsEctStartDateAsync(jane, Valley, Day(2025, 8, 28), on: Day(2025, 10, 4))).ShouldBe(HttpStatusCode.OK);
        var duplicate = (await (await api.SchoolAsync(Underwood)).RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Maria Twice"))
            .ShouldBe(HttpStatusCode.Created).TeacherId;
        (await support.MergesAsync(duplicate, maria, on: Day(2025, 10, 5))).ShouldBe(HttpStatusCode.OK);
        await api.ImportSampleGiasAsync(Day(2025, 9, 1));
        (await valley.ReportsEctLeavingAsync(jane, Day(2025, 12, 19), on: Day(2025, 11, 1))).ShouldBe(HttpStatusCode.OK);
        (await support.ErasesAsync(maria, on: Day(2025, 11, 2))).ShouldBe(HttpStatusCode.OK);

        var moved = (await api.TimelineAsync(mover)).Row("teacher_ect_at_school_period_moved_school");
        moved.Heading.ShouldStartWith("Mo Mover moved from St Andrew's Church of England Primary School, Little Snoring (URN 121044) to Fakenham Junior School (URN 121045) on ");
        var janes = await api.TimelineAsync(jane);
        janes.Row("teacher_registered_as_ect").Heading.ShouldContain("at Valley Road Infant School (URN 100009)");
        janes.Row("teacher_left_school_as_ect").Heading.ShouldContain("left Valley Road Primary School (URN 100009)");
        var live = await SnapshotAsync();
        live.Count.ShouldBeGreaterThan(20);

        var projection = api.Store.InlineProjections.OfType<TeacherTimelineProjection>().Single();
        await new ProjectionRebuilder(api.Store).RebuildAsync(projection);

        var rebuilt = await SnapshotAsync();
        rebuilt.Count.ShouldBe(live.Count);
        for (var i = 0; i < live.Count; i++) rebuilt[i].ShouldBe(live[i]);
        // Rebuilt after the erasure, Maria's events now read as "[erased]": her rows must still say exactly what they said.
        (await api.TimelineAsync(maria)).ShouldAllBe(r => r.PersonalChanges.SequenceEqual(new[] { PersonalData.Erased }));
    }

    private async Task<IReadOnlyList<string>> SnapshotAsync()
    {
        await using var cmd = api.Store.DataSource.CreateCommand("SELECT t::text FROM teacher_timeline t ORDER BY teacher_id, sequence");
        var rows = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add(r.GetString(0));
        return rows;
    }
}
