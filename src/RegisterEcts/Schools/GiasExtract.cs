using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace RegisterEcts.Schools;

public enum GiasStatus { Open, Closed, ProposedToClose, ProposedToOpen }

/// One establishment from the GIAS extract: the columns the service needs, by their GIAS header names.
public sealed record GiasSchool(
    int Urn,
    string Name,
    string TypeName,
    GiasStatus Status,
    DateOnly? OpenedOn,
    DateOnly? ClosedOn,
    string LocalAuthority,
    string Postcode,
    string Phase,
    bool Section41Approved)
{
    /// "Open, but proposed to close" is still open: teachers are there until it actually closes.
    public bool IsOpen => Status is GiasStatus.Open or GiasStatus.ProposedToClose;

    public bool InEngland => GiasTypes.InEngland(TypeName);

    public bool Independent => GiasTypes.IsIndependent(TypeName);

    /// Eligible for funded (provider-led) training, as the reference service decides it.
    public bool Eligible => IsOpen && InEngland && (GiasTypes.IsEligibleType(TypeName) || (GiasTypes.IsIndependent(TypeName) && Section41Approved));
}

public sealed record GiasLink(int Urn, int LinkUrn, string LinkName, string LinkType, DateOnly? EstablishedOn);

public sealed record GiasData(IReadOnlyList<GiasSchool> Schools, IReadOnlyList<GiasLink> Links);

/// A closed school the plan deliberately left alone (a split, several successors, a successor not
/// open yet): the reference service also refuses to guess, so a person decides.
public sealed record GiasReview(int Urn, string Reason);

/// Commands in the order they must run; SchoolIdsByUrn is the input map plus every URN the plan
/// gave an id to (new schools and academies' new URNs), to feed the next day's plan.
public sealed record GiasPlan(IReadOnlyList<object> Commands, IReadOnlyDictionary<int, Guid> SchoolIdsByUrn, IReadOnlyList<GiasReview> NeedsReview);

/// GIAS establishment types (gias/types.rb in the reference service). An unknown type is neither
/// eligible nor in England, as there.
public static class GiasTypes
{
    public static readonly ImmutableHashSet<string> All =
    [
        "Academy 16 to 19 sponsor led", "Academy 16-19 converter", "Academy alternative provision converter",
        "Academy alternative provision sponsor led", "Academy converter", "Academy secure 16 to 19", "Academy special converter",
        "Academy special sponsor led", "Academy sponsor led", "British schools overseas", "City technology college",
        "Community school", "Community special school", "Foundation school", "Foundation special school", "Free schools 16 to 19",
        "Free schools alternative provision", "Free schools special", "Free schools", "Further education",
        "Higher education institutions", "Institution funded by other government department", "Local authority nursery school",
        "Miscellaneous", "Non-maintained special school", "Offshore schools", "Online provider", "Other independent school",
        "Other independent special school", "Pupil referral unit", "Secure units", "Service children's education",
        "Sixth form centres", "Special post 16 institution", "Studio schools", "University technical college",
        "Voluntary aided school", "Voluntary controlled school", "Welsh establishment",
    ];

    public static readonly ImmutableHashSet<string> NotEligible =
    [
        "Other independent special school", "Other independent school", "Secure units", "Offshore schools",
        "Service children's education", "Miscellaneous", "Higher education institutions", "Welsh establishment",
        "British schools overseas", "Online provider", "Institution funded by other government department",
    ];

    public static readonly ImmutableHashSet<string> Independent = ["Other independent special school", "Other independent school"];

    public static readonly ImmutableHashSet<string> NotInEngland =
        ["British schools overseas", "Offshore schools", "Service children's education", "Welsh establishment"];

    public static bool IsEligibleType(string type) => All.Contains(type) && !NotEligible.Contains(type);

    public static bool IsIndependent(string type) => Independent.Contains(type);

    public static bool InEngland(string type) => All.Contains(type) && !NotInEngland.Contains(type);
}

/// Reads a GIAS extract (establishments + links CSVs) and plans the school commands for it.
/// Pure: the caller reads the files, supplies the ids it already knows, new ids and today's date.
public static class GiasExtract
{
    public const string Successor = "Successor";
    public const string SuccessorMerged = "Successor - merged";
    public const string SuccessorAmalgamated = "Successor - amalgamated";

    /// GIAS leaves OpenDate blank for many long-established schools; SchoolOpened needs a date, and
    /// "before records began" is truer than the import date.
    public static readonly DateOnly UnknownOpenDate = new(1900, 1, 1);

    public static GiasData Parse(string schoolsCsv, string linksCsv)
    {
        ArgumentNullException.ThrowIfNull(schoolsCsv);
        ArgumentNullException.ThrowIfNull(linksCsv);
        return Parse(new StringReader(schoolsCsv), new StringReader(linksCsv));
    }

    public static GiasData Parse(TextReader schoolsCsv, TextReader linksCsv)
    {
        var schools = ReadTable(schoolsCsv, "schools", table => new GiasSchool(
            table.Int("URN"),
            table.Text("EstablishmentName"),
            table.Text("TypeOfEstablishment (name)", "TypeOfEstablishment"),
            ParseStatus(table, table.Text("EstablishmentStatus (name)", "EstablishmentStatus")),
            table.Date("OpenDate"),
            table.Date("CloseDate"),
            table.Text("LA (name)", "LA"),
            table.Text("Postcode"),
            table.Text("PhaseOfEducation (name)", "PhaseOfEducation"),
            table.Text("Section41Approved (name)", "Section41Approved") == "Approved"));
        var duplicate = schools.GroupBy(s => s.Urn).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new FormatException($"schools: URN {duplicate.Key} appears more than once");

        var links = ReadTable(linksCsv, "links", table => new GiasLink(
            table.Int("URN"), table.Int("LinkURN"), table.Text("LinkName"), table.Text("LinkType"), table.Date("LinkEstablishedDate")));
        return new GiasData(schools, links);
    }

    /// Order: URN changes first (so the academy's sync finds the school already on its new URN),
    /// then every open school, then merges (their successor now exists), then closures.
    /// Replanning with the returned map yields commands whose decisions are all no-ops.
    public static GiasPlan Plan(GiasData data, IReadOnlyDictionary<int, Guid> knownSchoolIdsByUrn, Func<Guid> newId, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(knownSchoolIdsByUrn);
        ArgumentNullException.ThrowIfNull(newId);

        var ids = new Dictionary<int, Guid>(knownSchoolIdsByUrn);
        var byUrn = data.Schools.ToDictionary(s => s.Urn);
        var successorLinks = data.Links
            .Where(l => l.LinkType.StartsWith(Successor, StringComparison.OrdinalIgnoreCase))
            .ToLookup(l => l.Urn);
        var urnChanges = new List<object>();
        var syncs = new List<object>();
        var merges = new List<(int Urn, Guid SchoolId, int IntoUrn, DateOnly MergedOn)>();
        var closures = new List<object>();
        var review = new List<GiasReview>();

        foreach (var school in data.Schools.Where(s => s.Status == GiasStatus.Closed).OrderBy(s => s.Urn))
        {
            // A school we never had needs nothing: there are no teachers or partnerships to move.
            if (!ids.TryGetValue(school.Urn, out var id)) continue;
            var closedOn = school.ClosedOn ?? today;
            if (closedOn > today) continue; // GIAS marked it closed early; act on the day itself.

            var successors = successorLinks[school.Urn].ToList();
            if (successors.Count == 0)
            {
                closures.Add(new CloseSchool(id, closedOn));
                continue;
            }
            if (successors.Count > 1)
            {
                review.Add(new(school.Urn, $"{successors.Count} successor links ({string.Join(", ", successors.Select(l => l.LinkUrn))})"));
                continue;
            }
            var link = successors[0];
            if (!byUrn.TryGetValue(link.LinkUrn, out var successor) || !successor.IsOpen)
            {
                review.Add(new(school.Urn, $"successor {link.LinkUrn} is not open in this extract"));
                continue;
            }

            if (string.Equals(link.LinkType, Successor, StringComparison.OrdinalIgnoreCase))
            {
                // Academisation: the academy is the same school under a new URN, so it reuses this id.
                if (!ids.TryGetValue(link.LinkUrn, out var successorId))
                {
                    ids[link.LinkUrn] = id;
                    urnChanges.Add(new ChangeSchoolUrn(id, link.LinkUrn, closedOn));
                }
                else if (successorId != id)
                    review.Add(new(school.Urn, $"successor {link.LinkUrn} already has a school of its own"));
                // successorId == id: the URN change happened on an earlier run.
            }
            else if (string.Equals(link.LinkType, SuccessorMerged, StringComparison.OrdinalIgnoreCase)
                || string.Equals(link.LinkType, SuccessorAmalgamated, StringComparison.OrdinalIgnoreCase))
                merges.Add((school.Urn, id, link.LinkUrn, closedOn));
            else
                review.Add(new(school.Urn, $"'{link.LinkType}' to {link.LinkUrn} is not handled automatically"));
        }

        foreach (var school in data.Schools.Where(s => s.IsOpen).OrderBy(s => s.Urn))
        {
            if (!ids.TryGetValue(school.Urn, out var id))
                ids[school.Urn] = id = newId();
            syncs.Add(new SyncGiasSchool(id, school.Urn, school.Name, school.Eligible, school.OpenedOn ?? UnknownOpenDate, today, school.Independent));
        }

        var mergeCommands = new List<object>();
        foreach (var (urn, schoolId, intoUrn, mergedOn) in merges)
        {
            // The successor is open, so the sync loop gave it an id.
            var intoId = ids[intoUrn];
            if (intoId == schoolId)
                review.Add(new(urn, $"merges into {intoUrn}, which is already the same school"));
            else
                mergeCommands.Add(new MergeSchool(schoolId, intoId, intoUrn, mergedOn));
        }

        return new GiasPlan([.. urnChanges, .. syncs, .. mergeCommands, .. closures], ids.ToImmutableDictionary(), review);
    }

    private static GiasStatus ParseStatus(Table table, string status) => status.Trim().ToLowerInvariant() switch
    {
        "open" => GiasStatus.Open,
        "closed" => GiasStatus.Closed,
        "open, but proposed to close" => GiasStatus.ProposedToClose,
        "proposed to open" => GiasStatus.ProposedToOpen,
        _ => throw table.Error("EstablishmentStatus", $"'{status}' is not a GIAS establishment status"),
    };

    private static List<T> ReadTable<T>(TextReader reader, string file, Func<Table, T> row)
    {
        var records = GiasCsv.Read(reader).ToList();
        if (records.Count == 0) throw new FormatException($"{file}: the file is empty (no header row)");
        var header = records[0].Fields;
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++) columns.TryAdd(header[i].Trim(), i);
        var result = new List<T>();
        foreach (var record in records.Skip(1))
        {
            // Trailing blank lines are common in exported CSVs.
            if (record.Fields.Count == 1 && record.Fields[0].Length == 0) continue;
            result.Add(row(new Table(file, record.Line, columns, record.Fields)));
        }
        return result;
    }

    /// One data row with access by GIAS header name; errors name the file, line and column.
    private sealed class Table(string file, int line, Dictionary<string, int> columns, IReadOnlyList<string> fields)
    {
        public string Text(params string[] names)
        {
            foreach (var name in names)
                if (columns.TryGetValue(name, out var index))
                    return index < fields.Count ? fields[index].Trim() : string.Empty;
            throw new FormatException($"{file}: no '{names[0]}' column in the header");
        }

        public int Int(string name)
        {
            var text = Text(name);
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Error(name, $"'{text}' is not a whole number");
        }

        /// GIAS writes dates as dd-MM-yyyy; blank means unknown or not applicable.
        public DateOnly? Date(string name)
        {
            var text = Text(name);
            if (text.Length == 0) return null;
            return DateOnly.TryParseExact(text, "dd-MM-yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date
                : throw Error(name, $"'{text}' is not a dd-MM-yyyy date");
        }

        public FormatException Error(string column, string message) => new($"{file} line {line}, {column}: {message}");
    }
}

/// RFC 4180 reading: quoted fields may hold commas, doubled quotes and line breaks (GIAS names and
/// the status "Open, but proposed to close" contain commas).
internal static class GiasCsv
{
    internal sealed record Record(int Line, IReadOnlyList<string> Fields);

    public static IEnumerable<Record> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var any = false;
        int c;
        if (reader.Peek() == '\uFEFF') reader.Read(); // Excel and GIAS exports may start with a byte-order mark.
        while ((c = reader.Read()) != -1)
        {
            any = true;
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else inQuotes = false;
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break; // CRLF and LF both end a record; a lone CR is dropped.
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return new Record(recordLine, fields);
                    fields = [];
                    any = false;
                    recordLine = ++line;
                    break;
                default:
                    field.Append(ch);
                    break;
            }
        }
        if (inQuotes) throw new FormatException($"CSV line {recordLine}: a quoted field is never closed");
        if (any)
        {
            fields.Add(field.ToString());
            yield return new Record(recordLine, fields);
        }
    }
}
