using System.Net;
using RegisterEcts.Partnerships.PartnershipList;
using RegisterEcts.Schools.SchoolDirectory;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

/// The sample GIAS extract as it was in June 2025 with some of the schools that later close still open,
/// so the service knows them (and their teachers) when the sample extract closes or merges them.
internal static class EarlierGias
{
    public const int MarshEnd = 107139;
    public const int LittleSnoring = 121044;
    public const int Fakenham = 121045;

    public static string SchoolsWithOpen(params int[] urns) => string.Join('\n', File.ReadAllLines(SamplePath("gias", "schools.csv"))
        .Where(l => !l.StartsWith($"{OakfieldAcademy},", StringComparison.Ordinal))
        .Select(l => urns.Append(Oakfield).Any(u => l.StartsWith($"{u},", StringComparison.Ordinal))
            ? System.Text.RegularExpressions.Regex.Replace(l, @",Closed,([0-9-]*),[0-9-]+,", ",Open,$1,,")
            : l));

    public const string NoLinks = "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n";
}

public class when_gias_closes_a_school_with_an_ect(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static readonly Dictionary<string, (Guid Jane, Guid Sam, GiasImportResult First, GiasImportResult Again)> Done = [];

    /// Jane teaches at Marsh End from July; Sam was due to start in September. GIAS closes it on 31 July 2025.
    private async Task<(Guid Jane, Guid Sam, GiasImportResult First, GiasImportResult Again)> StoryAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (Done.TryGetValue(api.Schema, out var done)) return done;
            await api.ImportGiasAsync(EarlierGias.SchoolsWithOpen(EarlierGias.MarshEnd), EarlierGias.NoLinks, Day(2025, 6, 1));
            var marshEnd = await api.SchoolAsync(EarlierGias.MarshEnd);
            var jane = (await marshEnd.RegistersEctAsync(Trns.Next(), Day(2025, 7, 1), on: Day(2025, 7, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
            var sam = (await marshEnd.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 7, 1), name: "Sam Smith")).ShouldBe(HttpStatusCode.Created).TeacherId;
            var first = await api.ImportSampleGiasAsync(Day(2025, 9, 1));
            var again = await api.ImportSampleGiasAsync(Day(2025, 9, 1));
            return Done[api.Schema] = (jane, sam, first, again);
        }
        finally
        {
            Once.Release();
        }
    }

    [Fact]
    public async Task the_ects_period_finishes_on_the_closing_date()
    {
        var (jane, _, _, _) = await StoryAsync();
        var marshEnd = await api.SchoolAsync(EarlierGias.MarshEnd);

        var period = (await marshEnd.PeriodsOfAsync(jane)).Single();

        period["started_on"]!.GetValue<string>().ShouldBe("2025-07-01");
        Reply.Date(period["finished_on"]).ShouldBe("2025-07-31");
    }

    [Fact]
    public async Task a_period_that_had_not_started_is_gone()
    {
        var (_, sam, _, _) = await StoryAsync();
        var marshEnd = await api.SchoolAsync(EarlierGias.MarshEnd);

        (await marshEnd.PeriodsOfAsync(sam)).ShouldBeEmpty();
    }

    [Fact]
    public async Task the_school_is_closed_and_nothing_was_refused()
    {
        var (_, _, first, _) = await StoryAsync();

        first.Refused.ShouldBeEmpty();
        var school = await SchoolDirectoryProjection.FindByUrnAsync(api.Store.DataSource, EarlierGias.MarshEnd, CancellationToken.None);
        school!.Status.ShouldBe(RegisterEcts.Schools.SchoolStatus.Closed);
        school.ClosedOn.ShouldBe(Day(2025, 7, 31));
    }

    [Fact]
    public async Task importing_the_same_gias_files_again_writes_nothing()
    {
        var (_, _, first, again) = await StoryAsync();

        first.EventsWritten.ShouldBeGreaterThan(0);
        again.EventsWritten.ShouldBe(0);
    }
}

public class when_gias_merges_a_school_with_an_ect_into_a_neighbour(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static readonly Dictionary<string, (Guid Jane, Guid Partnership, GiasImportResult First, GiasImportResult Again)> Done = [];
    private static readonly Dictionary<string, Guid> Mentors = [];

    /// Little Snoring partners with Ambition and registers Jane, mentored by Maria, who also mentors at
    /// Fakenham Junior; GIAS merges Little Snoring into Fakenham Junior on 31 July 2025.
    private async Task<(Guid Jane, Guid Partnership, GiasImportResult First, GiasImportResult Again)> StoryAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (Done.TryGetValue(api.Schema, out var done)) return done;
            await api.ImportGiasAsync(EarlierGias.SchoolsWithOpen(EarlierGias.LittleSnoring), EarlierGias.NoLinks, Day(2025, 6, 1));
            var partnership = await api.PartnershipAsync(EarlierGias.LittleSnoring, Ambition, 2025, Day(2025, 6, 15));
            var littleSnoring = await api.SchoolAsync(EarlierGias.LittleSnoring);
            var jane = (await littleSnoring.RegistersEctAsync(Trns.Next(), Day(2025, 7, 1), on: Day(2025, 7, 1), leadProvider: Ambition))
                .ShouldBe(HttpStatusCode.Created).TeacherId;
            var mariaTrn = Trns.Next();
            var maria = (await (await api.SchoolAsync(EarlierGias.Fakenham)).RegistersMentorAsync(mariaTrn, Day(2025, 6, 15), on: Day(2025, 6, 15)))
                .ShouldBe(HttpStatusCode.Created).TeacherId;
            (await littleSnoring.RegistersMentorAsync(mariaTrn, Day(2025, 7, 1), on: Day(2025, 7, 1))).ShouldBe(HttpStatusCode.Created);
            (await littleSnoring.AssignsMentorAsync(jane, maria, on: Day(2025, 7, 1))).ShouldBe(HttpStatusCode.OK);
            Mentors[api.Schema] = maria;
            var first = await api.ImportSampleGiasAsync(Day(2025, 9, 1));
            var again = await api.ImportSampleGiasAsync(Day(2025, 9, 1));
            return Done[api.Schema] = (jane, partnership, first, again);
        }
        finally
        {
            Once.Release();
        }
    }

    [Fact]
    public async Task the_ect_is_listed_under_the_successor_urn()
    {
        var (jane, _, _, _) = await StoryAsync();
        var fakenham = await api.SchoolAsync(EarlierGias.Fakenham);

        var period = (await fakenham.PeriodsOfAsync(jane)).Single();

        period["started_on"]!.GetValue<string>().ShouldBe("2025-07-01");
        Reply.Date(period["finished_on"]).ShouldBe("open");
    }

    [Fact]
    public async Task the_partnership_is_recreated_at_the_successor_and_training_continues_under_it()
    {
        var (jane, old, first, _) = await StoryAsync();
        first.Refused.ShouldBeEmpty();
        var fakenhamId = (await SchoolDirectoryProjection.FindByUrnAsync(api.Store.DataSource, EarlierGias.Fakenham, CancellationToken.None))!.SchoolId;
        var recreated = (await PartnershipListProjection.ForSchoolAsync(api.Store.DataSource, fakenhamId, CancellationToken.None)).Single();
        recreated.LeadProviderId.ShouldBe(Ambition);
        recreated.ContractPeriodYear.ShouldBe(2025);
        recreated.PartnershipId.ShouldNotBe(old);
        var fakenham = await api.SchoolAsync(EarlierGias.Fakenham);

        // Any command at the successor shows the teacher as it sees them now.
        var reply = (await fakenham.ChangesWorkingPatternAsync(jane, "part_time", on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);

        var training = reply.Training("ect").Single();
        training["partnership_id"]!.GetValue<string>().ShouldBe(recreated.PartnershipId.ToString());
        training["started_on"]!.GetValue<string>().ShouldBe("2025-07-01");
        Reply.Date(training["finished_on"]).ShouldBe("open");
    }

    [Fact]
    public async Task the_mentors_two_periods_at_the_successor_become_one_and_the_mentorship_goes_on()
    {
        var (jane, _, _, _) = await StoryAsync();
        var maria = Mentors[api.Schema];
        var fakenham = await api.SchoolAsync(EarlierGias.Fakenham);

        var period = (await fakenham.PeriodsOfAsync(maria, "mentors")).Single();
        period["started_on"]!.GetValue<string>().ShouldBe("2025-06-15");
        Reply.Date(period["finished_on"]).ShouldBe("open");
        (await fakenham.PeriodsOfAsync(jane)).Single()["mentor_teacher_id"]!.GetValue<string>().ShouldBe(maria.ToString());

        var reply = (await fakenham.ChangesEmailAsync(maria, "maria@fakenham.example", on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);
        var mentorship = reply["mentorships"].AsArray().Single()!;
        mentorship["mentee_teacher_id"]!.GetValue<string>().ShouldBe(jane.ToString());
        Reply.Date(mentorship["finished_on"]).ShouldBe("open");
    }

    [Fact]
    public async Task the_merged_school_lists_no_one()
    {
        await StoryAsync();
        var admin = await api.AsAsync("admin");

        var teachers = (await admin.GetAsync($"/api/schools/{EarlierGias.LittleSnoring}/teachers")).ShouldBe(HttpStatusCode.OK);

        teachers["ects"].AsArray().ShouldBeEmpty();
        teachers["mentors"].AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task importing_the_same_gias_files_again_writes_nothing()
    {
        var (_, _, first, again) = await StoryAsync();

        first.EventsWritten.ShouldBeGreaterThan(0);
        again.EventsWritten.ShouldBe(0);
    }
}
