using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.Reference;
using RegisterEcts.Statements;
using RegisterEcts.Teachers;

namespace RegisterEcts.Declarations;

/// The command path for declarations: load what Decide needs, decide, append. The API and the CLI share it.
public static class DeclarationStreams
{
    public const string OneLivePerType = "declarations_one_live_per_type";

    /// Created is false when an identical submission committed first: as in the reference, the caller gets that one.
    public sealed record Submitted(Guid DeclarationId, bool Created);

    public static async Task<Submitted> SubmitAsync(PostgresEventStore store, SubmitDeclaration command, EventContext context, CancellationToken ct = default)
    {
        var teacherSlice = await store.ReadStreamAsync(command.TeacherId, ct: ct);
        var teacher = teacherSlice.Events.Aggregate(Teacher.Initial, (s, e) => Teacher.Evolve(s, e.Data));
        var (reference, _) = await ReferenceStream.LoadAsync(store, ct);
        var declarations = await DeclarationsProjection.ForTeacherAsync(store.DataSource, command.TeacherId, ct);
        var statements = await StatementsProjection.ForLeadProviderAsync(store.DataSource, command.LeadProviderId, ct);
        var events = SubmitDeclaration.Decide(command, teacher, declarations, statements, reference);
        try
        {
            var completion = MentorCompletion.OnSubmitted(teacher, (DeclarationSubmitted)events[0], DateOnly.FromDateTime(command.Now.UtcDateTime));
            List<StreamAppend> appends = [new(command.DeclarationId, Declaration.StreamType, ExpectedVersion.NoStream, events)];
            if (completion.Count > 0)
                appends.Add(new(command.TeacherId, Teacher.StreamType, ExpectedVersion.Exactly(teacherSlice.Version), completion));
            await store.AppendAsync(appends, context, ct);
            return new(command.DeclarationId, true);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == OneLivePerType)
        {
            var submitted = (DeclarationSubmitted)events[0];
            var winner = (await DeclarationsProjection.ForTeacherAsync(store.DataSource, command.TeacherId, ct))
                .First(d => d.Role == submitted.Role && d.DeclarationType == submitted.DeclarationType && d.State.IsLive());
            return new(winner.DeclarationId, false);
        }
    }

    public static async Task<Declaration> VoidAsync(PostgresEventStore store, VoidDeclaration command, EventContext context, CancellationToken ct = default)
    {
        var statements = await StatementsProjection.ForLeadProviderAsync(store.DataSource, command.LeadProviderId, ct);
        var result = await store.DecideAsync(command.DeclarationId, Declaration.StreamType, Declaration.Initial, Declaration.Evolve,
            state => VoidDeclaration.Decide(command, state, statements), context, ct);
        return result.State;
    }

    /// After a teacher became eligible for funding; returns how many declarations became eligible.
    public static async Task<int> MakeEligibleAsync(PostgresEventStore store, MakeDeclarationsEligible command, EventContext context, CancellationToken ct = default)
    {
        var teacher = await LoadAsync(store, command.TeacherId, Teacher.Initial, Teacher.Evolve, ct);
        var versions = new Dictionary<Guid, long>();
        var declarations = new List<DeclarationSummary>();
        foreach (var row in await DeclarationsProjection.ForTeacherAsync(store.DataSource, command.TeacherId, ct))
        {
            if (row.State != DeclarationState.Submitted) continue;
            var slice = await store.ReadStreamAsync(row.DeclarationId, ct: ct);
            versions[row.DeclarationId] = slice.Version;
            declarations.Add(slice.Events.Aggregate(Declaration.Initial, (s, e) => Declaration.Evolve(s, e.Data)).Summary);
        }
        var statements = new List<StatementSummary>();
        foreach (var lp in declarations.Select(d => d.LeadProviderId).Distinct())
            statements.AddRange(await StatementsProjection.ForLeadProviderAsync(store.DataSource, lp, ct));
        var events = MakeDeclarationsEligible.Decide(command, teacher, declarations, statements);
        if (events.Count == 0) return 0;
        // Each declaration at the version read: one voided meanwhile makes this fail rather than revive it.
        await store.AppendAsync(events.Select(e => new StreamAppend(((IDeclarationEvent)e).DeclarationId, Declaration.StreamType,
            ExpectedVersion.Exactly(versions[((IDeclarationEvent)e).DeclarationId]), [e])).ToList(), context, ct);
        return events.Count;
    }

    public static async Task<T> LoadAsync<T>(PostgresEventStore store, Guid id, T initial, Func<T, object, T> evolve, CancellationToken ct)
    {
        var slice = await store.ReadStreamAsync(id, ct: ct);
        return slice.Events.Aggregate(initial, (s, e) => evolve(s, e.Data));
    }
}
