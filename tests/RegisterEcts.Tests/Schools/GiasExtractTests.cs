using RegisterEcts.Schools;

namespace RegisterEcts.Tests;

/// Runs planned commands through their deciders against in-memory school streams, like the importer does.
internal sealed class SchoolStreams
{
    private readonly Dictionary<Guid, School> _schools = [];

    public IReadOnlyDictionary<Guid, School> Schools => _schools;

    public IReadOnlyList<object> Run(IEnumerable<object> commands)
    {
        var events = new List<object>();
        foreach (var command in commands)
        {
            var (id, decided) = command switch
            {
                SyncGiasSchool c => (c.SchoolId, SyncGiasSchool.Decide(c, Get(c.SchoolId))),
                ChangeSchoolUrn c => (c.SchoolId, ChangeSchoolUrn.Decide(c, Get(c.SchoolId))),
                MergeSchool c => (c.SchoolId, MergeSchool.Decide(c, Get(c.SchoolId))),
                CloseSchool c => (c.SchoolId, CloseSchool.Decide(c, Get(c.SchoolId))),
                _ => throw new InvalidOperationException($"Unexpected command {command}"),
            };
            _schools[id] = decided.Aggregate(Get(id), School.Evolve);
            events.AddRange(decided);
        }
        return events;
    }

    private School Get(Guid id) => _schools.GetValueOrDefault(id, School.Initial);
}

/// Deterministic ids so that plans can be compared and "no new school" can be counted.
internal sealed class SequentialIds
{
    private int _next;
    public int Issued => _next;
    public Guid Next() => new(++_next, 0, 0, [0, 0, 0, 0, 0, 0, 0, 0x99]);
}

public class when_reading_a_gias_extract
{
    private const string Header = "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),OpenDate,CloseDate,LA (name),Postcode,PhaseOfEducation (name),Section41Approved (name)\r\n";
    private const string NoLinks = "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\r\n";

    [Fact]
    public void quoted_fields_keep_their_commas_and_doubled_quotes()
    {
        var data = GiasExtract.Parse(Header +
            "123456,\"St Mary's Church of England Primary School, Little Snoring\",Voluntary controlled school,\"Open, but proposed to close\",01-09-1952,31-08-2026,\"Bristol, City of\",BS1 1AA,Primary,Not applicable\r\n" +
            "123457,\"The \"\"Old\"\" School\",Community school,Open,,,Leeds,LS1 1AA,Primary,Not applicable\r\n",
            NoLinks);

        data.Schools[0].ShouldSatisfyAllConditions(
            s => s.Name.ShouldBe("St Mary's Church of England Primary School, Little Snoring"),
            s => s.Status.ShouldBe(GiasStatus.ProposedToClose),
            s => s.LocalAuthority.ShouldBe("Bristol, City of"),
            s => s.Postcode.ShouldBe("BS1 1AA"));
        data.Schools[1].Name.ShouldBe("The \"Old\" School");
    }

    [Fact]
    public void dates_are_day_month_year_and_blank_means_unknown()
    {
        var school = GiasExtract.Parse(Header + "123456,Oak Primary,Community school,Closed,01-09-1974,31-08-2025,Leeds,LS1 1AA,Primary,Not applicable\n", NoLinks).Schools.Single();
        school.OpenedOn.ShouldBe(new DateOnly(1974, 9, 1));
        school.ClosedOn.ShouldBe(new DateOnly(2025, 8, 31));
        GiasExtract.Parse(Header + "123456,Oak Primary,Community school,Open,,,Leeds,LS1 1AA,Primary,Not applicable", NoLinks).Schools.Single().OpenedOn.ShouldBeNull();
    }

    [Fact]
    public void a_date_in_another_format_is_refused_with_its_line_and_column() =>
        Should.Throw<FormatException>(() => GiasExtract.Parse(Header + "123456,Oak Primary,Community school,Open,2025-09-01,,Leeds,LS1 1AA,Primary,Not applicable\r\n", NoLinks))
            .Message.ShouldBe("schools line 2, OpenDate: '2025-09-01' is not a dd-MM-yyyy date");

    [Fact]
    public void links_are_read_with_their_type_and_date() =>
        GiasExtract.Parse(Header, NoLinks + "107412,150218,Oakfield Primary Academy,Successor,01-09-2025\r\n").Links
            .ShouldBe([new GiasLink(107412, 150218, "Oakfield Primary Academy", "Successor", new DateOnly(2025, 9, 1))]);

    [Theory]
    [InlineData("Community school", "Not applicable", true)]
    [InlineData("Academy converter", "Not applicable", true)]
    [InlineData("Other independent school", "Approved", true)]
    [InlineData("Other independent school", "Not approved", false)]
    [InlineData("Welsh establishment", "Not applicable", false)]
    [InlineData("Secure units", "Not applicable", false)]
    [InlineData("A type GIAS has never had", "Not applicable", false)]
    public void funding_eligibility_follows_the_establishment_type_and_section_41(string type, string section41, bool eligible) =>
        GiasExtract.Parse(Header + $"123456,Oak School,{type},Open,,,Leeds,LS1 1AA,Primary,{section41}\r\n", NoLinks).Schools.Single().Eligible.ShouldBe(eligible);

    [Fact]
    public void the_sample_extract_has_three_hundred_schools() =>
        GiasSample.Data.Schools.Count.ShouldBe(300);
}

internal static class GiasSample
{
    public static readonly DateOnly Today = new(2025, 10, 15);

    public static GiasData Data { get; } = GiasExtract.Parse(
        File.ReadAllText(Path.Combine(SampleFiles.Root, "samples", "gias", "schools.csv")),
        File.ReadAllText(Path.Combine(SampleFiles.Root, "samples", "gias", "links.csv")));

    // The special cases documented in samples/gias/README.md.
    public const int Academised = 107412, Academy = 150218;
    public const int Infant = 118870, Junior = 118871, Amalgamated = 150305;
    public const int MergedAway = 121044, MergedInto = 121045;
    public const int Closed = 107139;

    /// Yesterday's world: the schools that have since academised, merged or closed were open and known.
    public static (SchoolStreams Streams, Dictionary<int, Guid> Known) Before()
    {
        var streams = new SchoolStreams();
        var known = new Dictionary<int, Guid>();
        var ids = 0;
        foreach (var urn in new[] { Academised, Infant, Junior, MergedAway, MergedInto, Closed })
        {
            var id = new Guid(++ids, 0, 0, [0, 0, 0, 0, 0, 0, 0, 0x11]);
            known[urn] = id;
            var row = Data.Schools.Single(s => s.Urn == urn);
            streams.Run([new SyncGiasSchool(id, urn, row.Name, true, row.OpenedOn ?? GiasExtract.UnknownOpenDate, new DateOnly(2025, 6, 1))]);
        }
        return (streams, known);
    }
}

public class when_planning_a_gias_extract
{
    private readonly SchoolStreams _streams;
    private readonly Dictionary<int, Guid> _known;
    private readonly SequentialIds _ids = new();
    private readonly GiasPlan _plan;

    public when_planning_a_gias_extract()
    {
        (_streams, _known) = GiasSample.Before();
        _plan = GiasExtract.Plan(GiasSample.Data, _known, _ids.Next, GiasSample.Today);
    }

    private IEnumerable<T> Planned<T>() => _plan.Commands.OfType<T>();

    [Fact]
    public void the_academy_keeps_the_school_id_and_only_its_urn_changes()
    {
        var id = _known[GiasSample.Academised];
        Planned<ChangeSchoolUrn>().ShouldBe([new ChangeSchoolUrn(id, GiasSample.Academy, new DateOnly(2025, 8, 31))]);
        _plan.SchoolIdsByUrn[GiasSample.Academy].ShouldBe(id);
        Planned<SyncGiasSchool>().Single(c => c.Urn == GiasSample.Academy).SchoolId.ShouldBe(id);

        _streams.Run(_plan.Commands);
        _streams.Schools[id].ShouldSatisfyAllConditions(
            s => s.Urn.ShouldBe(GiasSample.Academy),
            s => s.Name.ShouldBe("Oakfield Primary Academy"),
            s => s.PreviousUrns.ShouldBe([GiasSample.Academised]));
    }

    [Fact]
    public void the_urn_change_runs_before_the_academy_is_synced()
    {
        var commands = _plan.Commands.ToList();
        commands.IndexOf(Planned<ChangeSchoolUrn>().Single())
            .ShouldBeLessThan(commands.IndexOf(Planned<SyncGiasSchool>().Single(c => c.Urn == GiasSample.Academy)));
    }

    [Fact]
    public void amalgamated_schools_merge_into_the_new_school_and_a_merged_school_into_its_neighbour()
    {
        var amalgamated = _plan.SchoolIdsByUrn[GiasSample.Amalgamated];
        Planned<MergeSchool>().ShouldBe(
        [
            new MergeSchool(_known[GiasSample.Infant], amalgamated, GiasSample.Amalgamated, new DateOnly(2025, 8, 31)),
            new MergeSchool(_known[GiasSample.Junior], amalgamated, GiasSample.Amalgamated, new DateOnly(2025, 8, 31)),
            new MergeSchool(_known[GiasSample.MergedAway], _known[GiasSample.MergedInto], GiasSample.MergedInto, new DateOnly(2025, 7, 31)),
        ]);
    }

    [Fact]
    public void a_school_closing_with_no_successor_is_closed() =>
        Planned<CloseSchool>().ShouldBe([new CloseSchool(_known[GiasSample.Closed], new DateOnly(2025, 7, 31))]);

    [Fact]
    public void every_open_school_is_synced_exactly_once()
    {
        var open = GiasSample.Data.Schools.Where(s => s.IsOpen).Select(s => s.Urn).Order().ToList();
        Planned<SyncGiasSchool>().Select(c => c.Urn).ShouldBe(open);
        Planned<SyncGiasSchool>().Select(c => c.SchoolId).Distinct().Count().ShouldBe(open.Count);
    }

    [Fact]
    public void schools_not_yet_open_or_long_closed_are_left_alone()
    {
        Planned<SyncGiasSchool>().ShouldNotContain(c => c.Urn == 150412); // proposed to open
        _plan.NeedsReview.ShouldBeEmpty();
    }

    [Fact]
    public void only_schools_we_did_not_know_get_new_ids() =>
        _ids.Issued.ShouldBe(GiasSample.Data.Schools.Count(s => s.IsOpen) - 1 /* the merge target */ - 1 /* the academy */);

    [Fact]
    public void ineligible_establishments_are_synced_as_not_eligible() =>
        Planned<SyncGiasSchool>().Single(c => c.Urn == 401733).Eligible.ShouldBeFalse(); // Welsh establishment

    [Fact]
    public void planning_again_with_the_updated_ids_creates_no_schools_and_records_nothing()
    {
        _streams.Run(_plan.Commands).ShouldNotBeEmpty();
        var again = new SequentialIds();

        var second = GiasExtract.Plan(GiasSample.Data, _plan.SchoolIdsByUrn, again.Next, GiasSample.Today);

        again.Issued.ShouldBe(0);
        second.Commands.OfType<ChangeSchoolUrn>().ShouldBeEmpty();
        _streams.Run(second.Commands).ShouldBeEmpty();
    }

    [Fact]
    public void planning_again_from_current_urns_only_also_records_nothing()
    {
        _streams.Run(_plan.Commands);
        // The importer may rebuild the map from the school streams, which hold only today's URNs.
        var current = _streams.Schools.Values.ToDictionary(s => s.Urn, s => s.Id);
        var again = new SequentialIds();

        var second = GiasExtract.Plan(GiasSample.Data, current, again.Next, GiasSample.Today);

        again.Issued.ShouldBe(0);
        _streams.Run(second.Commands).ShouldBeEmpty();
    }
}

public class when_a_closed_school_has_an_unusual_successor
{
    private const string Header = "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),OpenDate,CloseDate,LA (name),Postcode,PhaseOfEducation (name),Section41Approved (name)\n";
    private static readonly Guid Oak = new(1, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]);
    private static readonly Guid Elm = new(2, 0, 0, [0, 0, 0, 0, 0, 0, 0, 2]);

    private static GiasPlan Plan(string schools, string links, Dictionary<int, Guid> known) =>
        GiasExtract.Plan(GiasExtract.Parse(Header + schools, "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n" + links), known, new SequentialIds().Next, GiasSample.Today);

    [Fact]
    public void a_split_is_left_for_a_person()
    {
        var plan = Plan(
            "111111,Oak School,Community school,Closed,,31-08-2025,Leeds,LS1,Primary,Not applicable\n" +
            "222222,Oak East,Community school,Open,01-09-2025,,Leeds,LS1,Primary,Not applicable\n" +
            "333333,Oak West,Community school,Open,01-09-2025,,Leeds,LS1,Primary,Not applicable\n",
            "111111,222222,Oak East,Successor - Split School,01-09-2025\n111111,333333,Oak West,Successor - Split School,01-09-2025\n",
            new() { [111111] = Oak });

        plan.NeedsReview.Single().Urn.ShouldBe(111111);
        plan.Commands.ShouldAllBe(c => c is SyncGiasSchool);
    }

    [Fact]
    public void an_academy_that_already_has_a_school_is_not_given_a_second_identity()
    {
        var plan = Plan(
            "111111,Oak School,Community school,Closed,,31-08-2025,Leeds,LS1,Primary,Not applicable\n" +
            "222222,Oak Academy,Academy converter,Open,01-09-2025,,Leeds,LS1,Primary,Not applicable\n",
            "111111,222222,Oak Academy,Successor,01-09-2025\n",
            new() { [111111] = Oak, [222222] = Elm });

        plan.NeedsReview.Single().Reason.ShouldContain("already has a school");
        plan.Commands.ShouldBe([new SyncGiasSchool(Elm, 222222, "Oak Academy", true, new DateOnly(2025, 9, 1), GiasSample.Today)]);
    }

    [Fact]
    public void a_successor_not_yet_open_keeps_the_old_school_waiting()
    {
        var plan = Plan(
            "111111,Oak School,Community school,Closed,,31-08-2025,Leeds,LS1,Primary,Not applicable\n" +
            "222222,Oak Academy,Academy converter,Proposed to open,01-11-2025,,Leeds,LS1,Primary,Not applicable\n",
            "111111,222222,Oak Academy,Successor,01-09-2025\n",
            new() { [111111] = Oak });

        plan.Commands.ShouldBeEmpty();
        plan.NeedsReview.Single().Reason.ShouldContain("not open");
    }
}
