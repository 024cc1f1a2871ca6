using Npgsql;
using RegisterEcts.Declarations;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Reference;
using RegisterEcts.Shared;
using RegisterEcts.Statements;
using RegisterEcts.Teachers;
using RegisterEcts.Testing;

namespace RegisterEcts.Api.Tests;

/// The whole store in a schema of its own, with the sample reference data and its statements loaded.
/// ECTs train with Ambition at one school in the 2025 cohort; now is 15 October 2025.
public class DeclarationStore : StoreFixture
{
    public static readonly Guid Ambition = ApiWithSchools.Ambition;
    public static readonly Guid School = Guid.Parse("0199f000-0000-7000-8000-00000000c0c0");
    public static readonly Guid Partnership = Guid.Parse("0199f000-0000-7000-8000-00000000e0e0");
    public static readonly Guid Partner = Guid.Parse("9921c7d0-2429-5bb0-ada8-5143d91ba27e");
    public static readonly DateTimeOffset Now = new(2025, 10, 15, 12, 0, 0, TimeSpan.Zero);
    public static readonly EventContext Context = new(Actor.System("tests"));

    private static int _trn = 3_100_000;

    protected override void Configure(EventStoreOptions options) => RegisterEctsStore.Configure(options);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ReferenceStream.SeedAsync(Store, ReferenceSeed.Parse(await File.ReadAllTextAsync(ApiWithSchools.SamplePath("reference", "reference-data.json"))), Context);
        var (reference, _) = await ReferenceStream.LoadAsync(Store);
        var statements = StatementSeed.Parse(await File.ReadAllTextAsync(ApiWithSchools.SamplePath("reference", "statements.json")), reference);
        await StatementStreams.OpenAsync(Store, statements, Context);
    }

    /// An ECT in training since 1 September; eligible for funding unless told otherwise.
    public async Task<Guid> EctAsync(bool eligible = true)
    {
        var id = Guid.CreateVersion7();
        var start = new DateOnly(2025, 9, 1);
        List<object> events =
        [
            new TeacherRegisteredAsEct(id, Interlocked.Increment(ref _trn).ToString(System.Globalization.CultureInfo.InvariantCulture), "Jane Doe", null, 1, School, start,
                WorkingPattern.FullTime, Guid.CreateVersion7()),
            new TrainingPeriodStarted(id, 2, TeacherRole.Ect, 1, School, start, null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(Ambition, 2025, "ecf-standard-september", Partnership, Partner)),
        ];
        if (eligible) events.Add(new TeacherFundingEligibilitySet(id, TeacherRole.Ect, start));
        await Store.AppendAsync(id, Teacher.StreamType, ExpectedVersion.NoStream, events, Context);
        return id;
    }

    public static SubmitDeclaration Started(Guid teacher, string type = "started", string date = "2025-10-01T10:00:00Z") =>
        new(Guid.CreateVersion7(), teacher, Ambition, "ecf-induction", type, date, "training-event-attended", Now);

    public async Task<Dictionary<string, object?>> RowAsync(string table, string key, Guid id)
    {
        await using var cmd = Store.DataSource.CreateCommand($"SELECT * FROM {table} WHERE {key} = $1");
        cmd.Parameters.Add(new() { Value = id });
        await using var r = await cmd.ExecuteReaderAsync();
        (await r.ReadAsync()).ShouldBeTrue($"no {table} row {id}");
        return Enumerable.Range(0, r.FieldCount).ToDictionary(r.GetName, i => r.IsDBNull(i) ? null : r.GetValue(i));
    }

    public async Task<long> CountAsync(string sql, Guid id)
    {
        await using var cmd = Store.DataSource.CreateCommand(sql);
        cmd.Parameters.Add(new() { Value = id });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<List<string>> SnapshotAsync(string table, string key)
    {
        await using var cmd = Store.DataSource.CreateCommand($"SELECT t::text FROM {table} t ORDER BY {key}");
        var rows = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add(r.GetString(0));
        return rows;
    }
}

public class when_declarations_are_stored(DeclarationStore db) : IClassFixture<DeclarationStore>
{
    [Fact]
    public async Task a_declaration_of_an_eligible_participant_is_a_row_on_the_next_output_statement()
    {
        var jane = await db.EctAsync();
        var command = DeclarationStore.Started(jane);

        var result = await DeclarationStreams.SubmitAsync(db.Store, command, DeclarationStore.Context);

        result.ShouldBe(new DeclarationStreams.Submitted(command.DeclarationId, true));
        var row = await db.RowAsync("declarations", "declaration_id", command.DeclarationId);
        row["teacher_id"].ShouldBe(jane);
        row["lead_provider_id"].ShouldBe(DeclarationStore.Ambition);
        row["training_period_id"].ShouldBe(2);
        row["role"].ShouldBe("ect");
        row["declaration_type"].ShouldBe("started");
        ((DateTime)row["declaration_date"]!).ShouldBe(new DateTime(2025, 10, 1, 10, 0, 0, DateTimeKind.Utc));
        row["evidence_held"].ShouldBe("training-event-attended");
        row["state"].ShouldBe("eligible");
        row["statement_id"].ShouldBe(Statement.IdFor(DeclarationStore.Ambition, 2025, 2025, 11));
        row["delivery_partner_id"].ShouldBe(DeclarationStore.Partner);
        row["clawback_statement_id"].ShouldBeNull();
        row["api_updated_at"].ShouldBe(row["created_at"]);
    }

    [Fact]
    public async Task a_participant_not_yet_eligible_is_submitted_with_no_statement()
    {
        var command = DeclarationStore.Started(await db.EctAsync(eligible: false));
        await DeclarationStreams.SubmitAsync(db.Store, command, DeclarationStore.Context);
        var row = await db.RowAsync("declarations", "declaration_id", command.DeclarationId);
        row["state"].ShouldBe("submitted");
        row["statement_id"].ShouldBeNull();
    }

    [Fact]
    public async Task declarations_submitted_before_the_teacher_became_eligible_become_eligible_with_it()
    {
        var jane = await db.EctAsync(eligible: false);
        var command = DeclarationStore.Started(jane);
        await DeclarationStreams.SubmitAsync(db.Store, command, DeclarationStore.Context);
        await db.Store.AppendAsync(jane, Teacher.StreamType, ExpectedVersion.Any,
            [new TeacherFundingEligibilitySet(jane, TeacherRole.Ect, new(2025, 10, 20))], DeclarationStore.Context);

        (await DeclarationStreams.MakeEligibleAsync(db.Store, new(jane, new(2025, 10, 20)), DeclarationStore.Context)).ShouldBe(1);

        var row = await db.RowAsync("declarations", "declaration_id", command.DeclarationId);
        row["state"].ShouldBe("eligible");
        row["statement_id"].ShouldBe(Statement.IdFor(DeclarationStore.Ambition, 2025, 2025, 11));
        (await DeclarationStreams.MakeEligibleAsync(db.Store, new(jane, new(2025, 10, 20)), DeclarationStore.Context)).ShouldBe(0);
    }

    [Fact]
    public async Task a_mentors_completed_declaration_ends_their_funding_in_the_same_transaction()
    {
        var maria = Guid.CreateVersion7();
        var start = new DateOnly(2025, 9, 1);
        await db.Store.AppendAsync(maria, Teacher.StreamType, ExpectedVersion.NoStream,
        [
            new TeacherRegisteredAsMentor(maria, "3999999", "Maria Lopez", null, 1, DeclarationStore.School, start),
            new TrainingPeriodStarted(maria, 2, TeacherRole.Mentor, 1, DeclarationStore.School, start, null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(DeclarationStore.Ambition, 2025, "ecf-standard-september", DeclarationStore.Partnership, DeclarationStore.Partner)),
            new TeacherFundingEligibilitySet(maria, TeacherRole.Mentor, start),
        ], DeclarationStore.Context);

        await DeclarationStreams.SubmitAsync(db.Store, new(Guid.CreateVersion7(), maria, DeclarationStore.Ambition, "ecf-mentor", "completed",
            "2025-10-10T10:00:00Z", "75-percent-engagement-met", DeclarationStore.Now), DeclarationStore.Context);

        var teacher = (await db.Store.ReadStreamAsync(maria)).Events.Select(e => e.Data).Aggregate(Teacher.Initial, Teacher.Evolve);
        teacher.MentorIneligibleForFundingOn.ShouldBe(new DateOnly(2025, 10, 10));
        teacher.TrainingPeriods.Single().Dates.End.ShouldBe(new DateOnly(2025, 10, 10));
    }

    [Fact]
    public async Task a_repeat_after_the_first_committed_is_refused_as_a_duplicate()
    {
        var jane = await db.EctAsync();
        await DeclarationStreams.SubmitAsync(db.Store, DeclarationStore.Started(jane), DeclarationStore.Context);
        var refused = await Should.ThrowAsync<RuleViolation>(() => DeclarationStreams.SubmitAsync(db.Store, DeclarationStore.Started(jane), DeclarationStore.Context));
        refused.Code.ShouldBe("declaration_type");
    }

    [Fact]
    public async Task of_two_identical_submissions_decided_together_one_commits_and_the_others_events_roll_back()
    {
        var jane = await db.EctAsync();
        var (reference, _) = await ReferenceStream.LoadAsync(db.Store);
        var teacher = (await db.Store.ReadStreamAsync(jane)).Events.Aggregate(Teacher.Initial, (s, e) => Teacher.Evolve(s, e.Data));
        var statements = await StatementsProjection.ForLeadProviderAsync(db.Store.DataSource, DeclarationStore.Ambition, default);
        // Both decide on the same state, as two requests arriving together would: neither sees the other.
        var first = DeclarationStore.Started(jane);
        var second = DeclarationStore.Started(jane);
        var decisions = new[] { first, second }.Select(c => (c.DeclarationId, Events: SubmitDeclaration.Decide(c, teacher, [], statements, reference))).ToList();

        var appends = decisions.Select(d => Task.Run(() => db.Store.AppendAsync(d.DeclarationId, Declaration.StreamType, ExpectedVersion.NoStream, d.Events, DeclarationStore.Context))).ToList();
        var outcomes = await Task.WhenAll(appends.Select(async t => { try { await t; return (Exception?)null; } catch (Exception e) { return e; } }));

        outcomes.Count(o => o is null).ShouldBe(1);
        var refused = outcomes.Single(o => o is not null).ShouldBeOfType<PostgresException>();
        refused.SqlState.ShouldBe(PostgresErrorCodes.UniqueViolation);
        refused.ConstraintName.ShouldBe(DeclarationStreams.OneLivePerType);
        (await db.CountAsync("SELECT count(*) FROM declarations WHERE teacher_id = $1", jane)).ShouldBe(1);
        var loser = decisions[outcomes[0] is null ? 1 : 0].DeclarationId;
        (await db.Store.ReadStreamAsync(loser)).Exists.ShouldBeFalse();
    }

    [Fact]
    public async Task two_identical_submissions_at_once_leave_one_declaration_and_both_callers_learn_which()
    {
        var jane = await db.EctAsync();
        var commands = new[] { DeclarationStore.Started(jane), DeclarationStore.Started(jane) };
        var outcomes = await Task.WhenAll(commands.Select(c => Task.Run(async () =>
        {
            try { return (Result: await DeclarationStreams.SubmitAsync(db.Store, c, DeclarationStore.Context), Error: (RuleViolation?)null); }
            catch (RuleViolation v) { return (Result: (DeclarationStreams.Submitted?)null, Error: v); }
        })));

        (await db.CountAsync("SELECT count(*) FROM declarations WHERE teacher_id = $1", jane)).ShouldBe(1);
        var winner = outcomes.Single(o => o.Result?.Created == true).Result!.DeclarationId;
        // The other either lost the race at commit (and is given the winner) or came after it (and is told it is a duplicate).
        var other = outcomes.Single(o => o.Result?.Created != true);
        if (other.Result is { } lost) lost.DeclarationId.ShouldBe(winner);
        else other.Error!.Code.ShouldBe("declaration_type");
    }

    [Fact]
    public async Task voiding_before_payment_frees_the_type_for_a_new_declaration()
    {
        var jane = await db.EctAsync();
        var first = DeclarationStore.Started(jane);
        await DeclarationStreams.SubmitAsync(db.Store, first, DeclarationStore.Context);

        await DeclarationStreams.VoidAsync(db.Store, new(first.DeclarationId, DeclarationStore.Ambition, new(2025, 10, 16)), DeclarationStore.Context);
        var again = DeclarationStore.Started(jane);
        await DeclarationStreams.SubmitAsync(db.Store, again, DeclarationStore.Context);

        (await db.RowAsync("declarations", "declaration_id", first.DeclarationId))["state"].ShouldBe("voided");
        (await db.RowAsync("declarations", "declaration_id", again.DeclarationId))["state"].ShouldBe("eligible");
    }

    [Fact]
    public async Task rebuilding_the_tables_gives_the_rows_the_live_path_wrote()
    {
        var jane = await db.EctAsync();
        var started = DeclarationStore.Started(jane);
        await DeclarationStreams.SubmitAsync(db.Store, started, DeclarationStore.Context);
        await DeclarationStreams.VoidAsync(db.Store, new(started.DeclarationId, DeclarationStore.Ambition, new(2025, 10, 16)), DeclarationStore.Context);
        await DeclarationStreams.SubmitAsync(db.Store, DeclarationStore.Started(jane), DeclarationStore.Context);
        await DeclarationStreams.SubmitAsync(db.Store, DeclarationStore.Started(jane, "retained-1", "2025-10-10T10:00:00Z"), DeclarationStore.Context);
        var liveDeclarations = await db.SnapshotAsync("declarations", "declaration_id");
        var liveStatements = await db.SnapshotAsync("statements", "statement_id");

        var rebuilder = new ProjectionRebuilder(db.Store, batchSize: 500);
        await rebuilder.RebuildAsync(db.Store.InlineProjections.OfType<DeclarationsProjection>().Single());
        await rebuilder.RebuildAsync(db.Store.InlineProjections.OfType<StatementsProjection>().Single());

        liveDeclarations.Count.ShouldBeGreaterThanOrEqualTo(3);
        liveStatements.Count.ShouldBeGreaterThan(1000);
        (await db.SnapshotAsync("declarations", "declaration_id")).ShouldBe(liveDeclarations);
        (await db.SnapshotAsync("statements", "statement_id")).ShouldBe(liveStatements);
    }
}

public class when_statements_move_declarations(DeclarationStore db) : IClassFixture<DeclarationStore>
{
    private static readonly Guid November = Statement.IdFor(DeclarationStore.Ambition, 2025, 2025, 11);
    private static readonly Guid January = Statement.IdFor(DeclarationStore.Ambition, 2025, 2026, 1);

    [Fact]
    public async Task a_declaration_is_paid_when_its_statement_is_and_clawed_back_on_the_next_after_a_void()
    {
        var jane = await db.EctAsync();
        var started = DeclarationStore.Started(jane);
        await DeclarationStreams.SubmitAsync(db.Store, started, DeclarationStore.Context);
        var id = started.DeclarationId;

        // The cut-off (30 November) has not passed on 30 November.
        (await StatementStreams.MarkPayableAsync(db.Store, new(2025, 11, 30), DeclarationStore.Context)).ShouldNotContain(s => s.StatementId == November);
        (await db.RowAsync("statements", "statement_id", November))["status"].ShouldBe("open");

        var marked = await StatementStreams.MarkPayableAsync(db.Store, new(2025, 12, 1), DeclarationStore.Context);
        marked.ShouldContain(s => s.StatementId == November);
        marked.ShouldNotContain(s => s.StatementId == January);
        (await db.RowAsync("statements", "statement_id", November))["status"].ShouldBe("payable");
        (await db.RowAsync("statements", "statement_id", January))["status"].ShouldBe("open");
        (await db.RowAsync("declarations", "declaration_id", id))["state"].ShouldBe("payable");
        (await StatementStreams.MarkPayableAsync(db.Store, new(2025, 12, 1), DeclarationStore.Context)).ShouldBeEmpty();

        (await StatementStreams.AuthoriseAsync(db.Store, November, new(2025, 12, 2), DeclarationStore.Context)).ShouldBe(1);
        var paidStatement = await db.RowAsync("statements", "statement_id", November);
        paidStatement["status"].ShouldBe("paid");
        paidStatement["marked_as_paid_at"].ShouldNotBeNull();
        (await db.RowAsync("declarations", "declaration_id", id))["state"].ShouldBe("paid");

        await DeclarationStreams.VoidAsync(db.Store, new(id, DeclarationStore.Ambition, new(2025, 12, 3)), DeclarationStore.Context);
        var awaiting = await db.RowAsync("declarations", "declaration_id", id);
        awaiting["state"].ShouldBe("awaiting-clawback");
        awaiting["statement_id"].ShouldBe(November);
        awaiting["clawback_statement_id"].ShouldBe(January);

        await StatementStreams.MarkPayableAsync(db.Store, new(2026, 2, 1), DeclarationStore.Context);
        (await StatementStreams.AuthoriseAsync(db.Store, January, new(2026, 2, 2), DeclarationStore.Context)).ShouldBe(1);
        (await db.RowAsync("declarations", "declaration_id", id))["state"].ShouldBe("clawed-back");
        (await Should.ThrowAsync<RuleViolation>(() => StatementStreams.AuthoriseAsync(db.Store, January, new(2026, 2, 3), DeclarationStore.Context)))
            .Code.ShouldBe("statement_already_paid");
    }
}
