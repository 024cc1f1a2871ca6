using RegisterEcts.Calendar;
using RegisterEcts.EventStore;
using RegisterEcts.LeadProviders.Participants;
using RegisterEcts.Declarations;
using RegisterEcts.Statements;
using RegisterEcts.Partnerships;
using RegisterEcts.Reference;
using RegisterEcts.Schools;
using RegisterEcts.Teachers;
using RegisterEcts.Teachers.AtSchoolPeriods;
using RegisterEcts.Teachers.Periods;
using RegisterEcts.Teachers.TrnIndex;
using RegisterEcts.Teachers.Timeline;
using RegisterEcts.Schools.SchoolDirectory;
using RegisterEcts.Partnerships.PartnershipList;

namespace RegisterEcts;

/// <summary>
/// The one place that says what the store holds: every feature's event types, schema scripts and
/// projections. The API, the CLI and the tests all build their store through it.
/// </summary>
public static class RegisterEctsStore
{
    public const string DefaultSchema = "rects";

    public static PostgresEventStore Create(string connectionString, string? schema = null)
    {
        var options = new EventStoreOptions { ConnectionString = connectionString, Schema = schema ?? DefaultSchema };
        Configure(options);
        return new PostgresEventStore(options);
    }

    public static void Configure(EventStoreOptions options)
    {
        CalendarEvents.Register(TeacherEvents.Register(SchoolEvents.Register(PartnershipEvents.Register(ReferenceEvents.Register(options.Events)))));
        StatementEvents.Register(DeclarationEvents.Register(options.Events));
        options.Migrations.AddRange(Migration.FromAssembly(typeof(RegisterEctsStore).Assembly, "", "registerects"));
        // Inline: the uniqueness and period rules these tables enforce must hold at commit.
        options.InlineProjections.AddRange([
            new TrnIndexProjection(), new SchoolDirectoryProjection(), new PartnershipListProjection(), new AtSchoolPeriodsProjection()]);
        options.InlineProjections.Add(new TeacherPeriodsProjection());
        options.InlineProjections.Add(new TeacherTimelineProjection());
        options.InlineProjections.Add(new Partnerships.ApiView.LeadProviderApiProjection());
        options.InlineProjections.AddRange([new DeclarationsProjection(), new StatementsProjection()]);
        // Last: it reads the partnerships and schools the projections above keep.
        options.InlineProjections.Add(new LeadProviderParticipantsProjection());
    }
}
