using System.Globalization;
using RegisterEcts.Declarations;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Partnerships;
using RegisterEcts.Partnerships.PartnershipList;
using RegisterEcts.Reference;
using RegisterEcts.Schools;
using RegisterEcts.Schools.SchoolDirectory;
using RegisterEcts.Shared;
using RegisterEcts.Statements;
using RegisterEcts.Teachers;

namespace RegisterEcts.Seeding;

public sealed record CareerSeedResult(int Teachers, int Commands, int Refused, long Events = 0, IReadOnlyDictionary<string, int>? RefusedBy = null)
{
    /// The rules that refused commands, most frequent first, e.g. "declaration_date 120, …".
    public string Refusals => string.Join(", ", (RefusedBy ?? new Dictionary<string, int>()).OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value:N0}"));
}

/// <summary>
/// Realistic, deterministic careers over the 2021–2026 cohorts: registrations, partnerships as schools need
/// them, email changes, about 15% school moves, lead provider and programme changes, mentors assigned and
/// replaced, deferrals and resumptions, withdrawals, inductions claimed, passed or released, declarations
/// submitted (some voided), statements made payable and paid, some paid declarations clawed back.
/// Teacher i's career and every id in it depend only on (seed, i), so a run can be extended with --from, and
/// the two paths give the same events: <see cref="RunAsync"/> runs each command through the store (Decide,
/// append at the version read, inline projections); <see cref="BulkLoadAsync"/> makes the same decisions on
/// states held in memory, writes the events with COPY and rebuilds every read table from them.
/// A command the rules refuse is counted, not fatal: careers are random, the rules are not.
/// </summary>
public sealed class CareerSeed(PostgresEventStore store, EventContext context)
{
    /// The day the seed's statements are settled on: fixed, so a seed does not depend on when it runs.
    public static readonly DateOnly SettledOn = new(2026, 11, 1);

    private readonly Dictionary<(Guid School, Guid LeadProvider, int Year), Guid> _partnerships = [];
    private readonly Dictionary<Guid, List<SchoolPartnership>> _schoolPartnerships = [];
    private readonly Dictionary<Guid, School> _schoolStates = [];
    private readonly Dictionary<Guid, List<Guid>> _teacherDeclarations = [];
    private readonly Dictionary<Guid, List<Guid>> _statementDeclarations = [];
    private readonly List<Guid> _paid = [];
    private Dictionary<Guid, List<StatementSummary>> _statements = [];
    private ReferenceData _reference = ReferenceData.Empty;
    private List<SchoolRow> _schools = [];
    private List<AppropriateBody> _bodies = [];
    private ICareerStreams _streams = null!;
    private readonly Dictionary<string, int> _refusedBy = [];
    private int _seed, _commands, _refused, _career, _careerPartnerships;

    /// The command path, one command at a time through the store.
    public async Task<CareerSeedResult> RunAsync(int teachers, int seed, int firstTeacher = 0, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        _streams = new StoreCareerStreams(store, context);
        await PrepareAsync(seed, ct);
        for (var i = firstTeacher; i < firstTeacher + teachers; i++)
        {
            await CareerAsync(i, ct);
            progress?.Report(i - firstTeacher + 1);
        }
        await SettleStatementsAsync(ct);
        return new CareerSeedResult(teachers, _commands, _refused, 0, _refusedBy);
    }

    /// <summary>
    /// The bulk path for large data sets: the same decisions, the events written with COPY every
    /// <paramref name="flushEvery"/> careers, then every inline projection rebuilt. Only for a store nobody is
    /// serving meanwhile (its read tables are behind the log until the rebuild ends).
    /// </summary>
    public async Task<CareerSeedResult> BulkLoadAsync(int teachers, int seed, IProgress<string>? progress = null, CancellationToken ct = default,
        int firstTeacher = 0, int flushEvery = 20_000)
    {
        var bulk = new BulkCareerStreams(store, context);
        _streams = bulk;
        await PrepareAsync(seed, ct);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var careers = new List<Guid>();
        var written = TimeSpan.Zero;
        for (var i = firstTeacher; i < firstTeacher + teachers; i++)
        {
            careers.AddRange(await CareerAsync(i, ct));
            if ((i - firstTeacher + 1) % flushEvery != 0) continue;
            var writing = System.Diagnostics.Stopwatch.StartNew();
            await bulk.FlushAsync(ct);
            written += writing.Elapsed;
            bulk.ForgetTeachers(careers);
            careers.Clear();
            progress?.Report($"{i - firstTeacher + 1:N0} careers, {bulk.Written:N0} events written ({watch.Elapsed.TotalSeconds:N0} s, of which writing {written.TotalSeconds:N0} s)");
        }
        await SettleStatementsAsync(ct);
        await bulk.FlushAsync(ct);
        progress?.Report($"{teachers:N0} careers, {bulk.Written:N0} events written ({watch.Elapsed.TotalSeconds:N0} s); rebuilding the read tables");
        var projections = store.InlineProjections.Where(p => p.Tables.Count > 0).ToList();
        long lastReport = 0;
        await new ProjectionRebuilder(store).RebuildAsync(projections, new Progress<RebuildProgress>(p =>
        {
            if (p.Done - lastReport < 1_000_000 && p.Done != p.Total) return;
            lastReport = p.Done;
            progress?.Report($"rebuilt {p.Done:N0} of {p.Total:N0} events ({p.EventsPerSecond:N0} events/s)");
        }), ct);
        return new CareerSeedResult(teachers, _commands, _refused, bulk.Written, _refusedBy);
    }

    private async Task PrepareAsync(int seed, CancellationToken ct)
    {
        _seed = seed;
        (_reference, _) = await ReferenceStream.LoadAsync(store, ct);
        if (_reference.LeadProviderDeliveryPartnerships.IsEmpty) throw new InvalidOperationException("Load reference data first (rects seed reference).");
        _schools = [.. (await SchoolDirectoryProjection.ListAsync(store.DataSource, 0, int.MaxValue, ct)).Where(s => s.Status == SchoolStatus.Open && s.Eligible)];
        if (_schools.Count < 2) throw new InvalidOperationException("Import schools first (rects import gias).");
        _bodies = [.. _reference.AppropriateBodies.Values.Where(a => a.Active).OrderBy(a => a.Id)];
        // Partnerships and statements that exist already are read once; the seed keeps them up to date itself
        // (both paths alike), so no decision depends on how far a read table has caught up.
        foreach (var school in _schools)
            _schoolPartnerships[school.SchoolId] = [.. await PartnershipListProjection.ForSchoolAsync(store.DataSource, school.SchoolId, ct)];
        _statements = [];
        foreach (var lp in _reference.LeadProviders.Keys)
            _statements[lp] = [.. await StatementsProjection.ForLeadProviderAsync(store.DataSource, lp, ct)];
    }

    /// One teacher's career; returns the teacher streams it touched.
    private async Task<IReadOnlyList<Guid>> CareerAsync(int i, CancellationToken ct)
    {
        var rng = new Random(Mix(_seed, i));
        (_career, _careerPartnerships) = (i, 0);
        var teacherId = Id(i, 0);
        List<Guid> touched = [teacherId];
        var year = 2021 + rng.Next(6);
        var started = new DateOnly(year, 9, 1).AddDays(rng.Next(0, 120));
        var school = _schools[rng.Next(_schools.Count)];
        var providerLed = rng.NextDouble() < 0.85;
        var leadProvider = providerLed ? await ProviderForAsync(rng, school, year, started, ct) : null;
        // The appropriate bodies the school's type allows (independent: national or a hub; state-funded: a hub).
        var bodies = _bodies.Where(b => b.Type == AppropriateBodyType.TeachingSchoolHub || (school.Independent && b.Type == AppropriateBodyType.National)).ToList();
        var body = bodies[rng.Next(bodies.Count)];
        var trn = (3_000_000 + i).ToString(CultureInfo.InvariantCulture);
        var name = $"{First[rng.Next(First.Length)]} {Last[rng.Next(Last.Length)]}";

        if (!await RunAsync(teacherId, null, (t, _) => RegisterEct.Decide(new RegisterEct(teacherId, trn, name, $"teacher{i}@example.com", school.SchoolId, started,
                rng.NextDouble() < 0.1 ? WorkingPattern.PartTime : WorkingPattern.FullTime, body.Id, school.Independent,
                providerLed ? TrainingProgramme.ProviderLed : TrainingProgramme.SchoolLed, leadProvider, _schoolPartnerships[school.SchoolId], started), t, _reference),
                ct, fresh: true))
            return touched;

        var claimed = rng.NextDouble() < 0.6
            && await RunAsync(teacherId, t => ClaimInduction.Decide(new ClaimInduction(teacherId, body.Id, started, providerLed ? TrainingProgramme.ProviderLed : TrainingProgramme.SchoolLed, started), t, _reference), ct);

        if (rng.NextDouble() < 0.3)
        {
            var mentorId = Id(i, 1);
            touched.Add(mentorId);
            await MentorAsync(rng, teacherId, mentorId, (8_000_000 + i).ToString(CultureInfo.InvariantCulture), $"mentor{i}@example.com", school, leadProvider, started.AddDays(rng.Next(0, 20)), ct);
            // Some mentors are replaced a term later.
            if (rng.NextDouble() < 0.15)
            {
                var replacementId = Id(i, 2);
                touched.Add(replacementId);
                await MentorAsync(rng, teacherId, replacementId, (9_000_000 + i).ToString(CultureInfo.InvariantCulture), $"mentor{i}.b@example.com", school, leadProvider,
                    started.AddDays(rng.Next(60, 120)), ct);
            }
        }

        if (providerLed && rng.NextDouble() < 0.75)
            await DeclareAsync(rng, i, teacherId, leadProvider!.Value, "started", ct);

        if (rng.NextDouble() < 0.4)
        {
            var on = started.AddDays(rng.Next(10, 90));
            await RunAsync(teacherId, t => ChangeEmail.Decide(new ChangeEmail(teacherId, TeacherRole.Ect, school.SchoolId, $"teacher{i}.new@example.com", on), t), ct);
        }

        var changes = rng.NextDouble();
        if (providerLed && changes < 0.1)
        {
            var on = started.AddDays(rng.Next(30, 120));
            var other = await ProviderForAsync(rng, school, year, on, ct);
            if (other is { } lp && lp != leadProvider)
            {
                await RunAsync(teacherId, t => ChangeLeadProvider.Decide(new ChangeLeadProvider(teacherId, TeacherRole.Ect, school.SchoolId, lp, _schoolPartnerships[school.SchoolId], on), t, _reference), ct);
                leadProvider = lp;
            }
        }
        else if (changes < 0.14)
        {
            // A school switches between provider-led and school-led training.
            var on = started.AddDays(rng.Next(30, 100));
            var to = providerLed ? TrainingProgramme.SchoolLed : TrainingProgramme.ProviderLed;
            var lp = providerLed ? null : await ProviderForAsync(rng, school, year, on, ct);
            if (await RunAsync(teacherId, t => ChangeTrainingProgramme.Decide(new ChangeTrainingProgramme(teacherId, school.SchoolId, to, lp, _schoolPartnerships[school.SchoolId], on), t, _reference), ct))
                (providerLed, leadProvider) = (!providerLed, lp);
        }
        else if (providerLed && changes < 0.20)
        {
            // The lead provider reports a deferral, and most come back.
            var on = started.AddDays(rng.Next(60, 150));
            if (await RunAsync(teacherId, t => DeferTraining.Decide(new DeferTraining(teacherId, leadProvider!.Value, LeadProviderParticipant.EctCourse,
                    DeferralReasons[rng.Next(DeferralReasons.Length)], on), t), ct) && rng.NextDouble() < 0.6)
                await RunAsync(teacherId, t => ResumeTraining.Decide(new ResumeTraining(teacherId, leadProvider!.Value, LeadProviderParticipant.EctCourse, on.AddDays(rng.Next(30, 90))), t), ct);
        }
        else if (providerLed && changes < 0.23)
        {
            var on = started.AddDays(rng.Next(100, 200));
            await RunAsync(teacherId, t => WithdrawTraining.Decide(new WithdrawTraining(teacherId, leadProvider!.Value, LeadProviderParticipant.EctCourse,
                WithdrawalReasons[rng.Next(WithdrawalReasons.Length)], on), t), ct);
        }
        else if (providerLed && leadProvider is { } current && rng.NextDouble() < 0.5)
        {
            await DeclareAsync(rng, i, teacherId, current, "retained-1", ct);
        }

        var leftOn = started.AddDays(rng.Next(120, 400));
        var ending = rng.NextDouble();
        if (ending < 0.15)
        {
            if (!await RunAsync(teacherId, null, (t, _) => ReportEctLeaving.Decide(new ReportEctLeaving(teacherId, school.SchoolId, leftOn, leftOn.AddDays(-20)), t), ct))
                return touched;
            var next = _schools[rng.Next(_schools.Count)];
            if (next.SchoolId == school.SchoolId) return touched;
            var joinedOn = leftOn.AddDays(1);
            var nextYear = joinedOn.Month >= 6 ? joinedOn.Year : joinedOn.Year - 1;
            var nextProvider = providerLed ? await ProviderForAsync(rng, next, Math.Min(nextYear, 2026), joinedOn, ct) : null;
            await RunAsync(teacherId, null, (t, _) => RegisterEct.Decide(new RegisterEct(teacherId, trn, name, $"teacher{i}@example.com", next.SchoolId, joinedOn,
                WorkingPattern.FullTime, body.Id, next.Independent, providerLed ? TrainingProgramme.ProviderLed : TrainingProgramme.SchoolLed, nextProvider,
                _schoolPartnerships[next.SchoolId], joinedOn), t, _reference), ct);
        }
        else if (claimed && ending < 0.20)
        {
            // The appropriate body releases the teacher part-way through induction.
            var releasedOn = started.AddDays(rng.Next(90, 300));
            await RunAsync(teacherId, t => ReleaseInduction.Decide(new ReleaseInduction(teacherId, body.Id, releasedOn, rng.Next(1, 4), releasedOn), t), ct);
        }
        else if (claimed && year <= 2023 && ending < 0.75)
        {
            var passedOn = started.AddYears(2).AddDays(-10);
            await RunAsync(teacherId, null, (t, _) => RecordInductionOutcome.Decide(
                new RecordInductionOutcome(teacherId, body.Id, rng.NextDouble() < 0.97 ? InductionOutcome.Pass : InductionOutcome.Fail, passedOn, 6, null, passedOn), t), ct);
        }
        return touched;
    }

    private async Task MentorAsync(Random rng, Guid teacherId, Guid mentorId, string trn, string email, SchoolRow school, Guid? leadProvider, DateOnly on, CancellationToken ct)
    {
        var name = $"{First[rng.Next(First.Length)]} {Last[rng.Next(Last.Length)]}";
        if (await RunAsync(mentorId, null, (m, _) => RegisterMentor.Decide(new RegisterMentor(mentorId, trn, name, email, school.SchoolId, on, false, leadProvider,
                _schoolPartnerships[school.SchoolId], on), m, _reference), ct, fresh: true))
            await RunAsync(teacherId, mentorId, (t, m) => AssignMentor.Decide(new AssignMentor(teacherId, mentorId, school.SchoolId, on), t, m, _reference), ct);
    }

    /// A declaration inside its milestone window, made the day after its date; a few are voided before payment.
    private async Task DeclareAsync(Random rng, int i, Guid teacherId, Guid leadProvider, string type, CancellationToken ct)
    {
        var (teacher, version) = await _streams.LoadAsync<Teacher>(teacherId, ct);
        var training = LeadProviderParticipant.LatestFor(teacher, leadProvider, TeacherRole.Ect)?.ProviderLed;
        var milestone = training is null ? null
            : _reference.FindSchedule(training.ContractPeriodYear, training.ScheduleIdentifier)?.Milestones.FirstOrDefault(m => m.DeclarationType == type);
        var declarationId = Id(i, type == "started" ? 10 : 11);
        // Evidence every cohort accepts for started and retained-1 declarations.
        var evidence = rng.NextDouble() < 0.5 ? "training-event-attended" : "self-study-material-completed";
        if (milestone is null) return;
        var latest = milestone.MilestoneDate ?? milestone.StartDate.AddDays(60);
        var day = milestone.StartDate.AddDays(rng.Next(0, Math.Max(1, latest.DayNumber - milestone.StartDate.DayNumber)));
        var now = new DateTimeOffset(day.AddDays(1).ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        var command = new SubmitDeclaration(declarationId, teacherId, leadProvider, LeadProviderParticipant.EctCourse, type,
            day.ToDateTime(new TimeOnly(9, 0)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), evidence, now);
        _commands++;
        try
        {
            var declarations = new List<DeclarationSummary>();
            foreach (var id in _teacherDeclarations.GetValueOrDefault(teacherId) ?? [])
                declarations.Add((await _streams.LoadAsync<Declaration>(id, ct)).State.Summary);
            var events = SubmitDeclaration.Decide(command, teacher, declarations, _statements[leadProvider], _reference);
            var completion = MentorCompletion.OnSubmitted(teacher, (DeclarationSubmitted)events[0], DateOnly.FromDateTime(now.UtcDateTime));
            List<StreamAppend> appends = [new(declarationId, Declaration.StreamType, ExpectedVersion.NoStream, events)];
            if (completion.Count > 0) appends.Add(new(teacherId, Teacher.StreamType, ExpectedVersion.Exactly(version), completion));
            _streams.Create(declarationId, typeof(Declaration));
            await _streams.AppendAsync(appends, ct);
            (_teacherDeclarations.TryGetValue(teacherId, out var mine) ? mine : _teacherDeclarations[teacherId] = []).Add(declarationId);
            if (events.OfType<DeclarationEligible>().FirstOrDefault() is { } eligible)
                (_statementDeclarations.TryGetValue(eligible.StatementId, out var on) ? on : _statementDeclarations[eligible.StatementId] = []).Add(declarationId);
        }
        catch (RuleViolation refusal)
        {
            Refuse(refusal);
            return;
        }
        if (rng.NextDouble() < 0.03)
            await VoidAsync(declarationId, leadProvider, DateOnly.FromDateTime(now.UtcDateTime).AddDays(rng.Next(1, 20)), ct);
    }

    private async Task VoidAsync(Guid declarationId, Guid leadProvider, DateOnly today, CancellationToken ct)
    {
        _commands++;
        try
        {
            var (declaration, version) = await _streams.LoadAsync<Declaration>(declarationId, ct);
            var events = VoidDeclaration.Decide(new VoidDeclaration(declarationId, leadProvider, today), declaration, _statements[leadProvider]);
            await _streams.AppendAsync([new(declarationId, Declaration.StreamType, ExpectedVersion.Exactly(version), events)], ct);
            if (events.OfType<DeclarationAwaitingClawback>().FirstOrDefault() is { } clawback)
                _statementDeclarations[clawback.ClawbackStatementId] = [.. _statementDeclarations.GetValueOrDefault(clawback.ClawbackStatementId) ?? [], declarationId];
        }
        catch (RuleViolation refusal)
        {
            Refuse(refusal);
        }
    }

    /// As the daily job and finance would by <see cref="SettledOn"/>: statements past their cut-off become payable,
    /// those past their payment date are paid, and one paid declaration in fifty is voided (a clawback).
    private async Task SettleStatementsAsync(CancellationToken ct)
    {
        var all = _statements.Values.SelectMany(s => s).OrderBy(s => s.DeadlineDate).ThenBy(s => s.StatementId).ToList();
        foreach (var statement in all.Where(s => s.Status == StatementStatus.Open && s.DeadlineDate < SettledOn))
            await StatementAsync(statement.StatementId, (s, d) => MarkStatementPayable.Decide(new(statement.StatementId, SettledOn), s, d), ct);
        foreach (var statement in all.Where(s => s.Status != StatementStatus.Paid && s.PaymentDate < SettledOn))
            await StatementAsync(statement.StatementId, (s, d) => AuthoriseStatement.Decide(new(statement.StatementId, SettledOn), s, d), ct);
        foreach (var lp in _statements.Keys.ToList())
        {
            var settled = new List<StatementSummary>();
            foreach (var statement in _statements[lp]) settled.Add((await _streams.LoadAsync<Statement>(statement.StatementId, ct)).State.Summary ?? statement);
            _statements[lp] = settled;
        }
        var rng = new Random(Mix(_seed, -1));
        foreach (var declarationId in _paid.ToList())
            if (rng.NextDouble() < 0.02)
                await VoidAsync(declarationId, (await _streams.LoadAsync<Declaration>(declarationId, ct)).State.Summary.LeadProviderId, SettledOn, ct);
    }

    private async Task StatementAsync(Guid statementId, Func<Statement, IReadOnlyList<DeclarationSummary>, StatementDecision> decide, CancellationToken ct)
    {
        var (statement, version) = await _streams.LoadAsync<Statement>(statementId, ct);
        var versions = new Dictionary<Guid, long>();
        var declarations = new List<DeclarationSummary>();
        foreach (var id in _statementDeclarations.GetValueOrDefault(statementId) ?? [])
        {
            var (declaration, v) = await _streams.LoadAsync<Declaration>(id, ct);
            versions[id] = v;
            declarations.Add(declaration.Summary);
        }
        _commands++;
        try
        {
            var decision = decide(statement, declarations);
            List<StreamAppend> appends = [new(statementId, Statement.StreamType, ExpectedVersion.Exactly(version), decision.StatementEvents)];
            appends.AddRange(decision.DeclarationEvents.Select(e => new StreamAppend(((IDeclarationEvent)e).DeclarationId, Declaration.StreamType,
                ExpectedVersion.Exactly(versions[((IDeclarationEvent)e).DeclarationId]), [e])));
            await _streams.AppendAsync(appends, ct);
            _paid.AddRange(decision.DeclarationEvents.OfType<DeclarationPaid>().Select(e => e.DeclarationId));
        }
        catch (RuleViolation refusal)
        {
            Refuse(refusal);
        }
    }

    /// A lead provider with a delivery partner that year; the school partners with it (90%) or only expresses interest.
    /// A partnership made during teacher i's career takes its id from i, so extending a seed never reuses one.
    private async Task<Guid?> ProviderForAsync(Random rng, SchoolRow school, int year, DateOnly on, CancellationToken ct)
    {
        // Closed cohorts (payments frozen) take no new partnerships: their teachers train in the 2024 cohort.
        if (_reference.FindContractPeriod(year) is not { Enabled: true }) year = 2024;
        var pairings = _reference.LeadProviderDeliveryPartnerships.Values.Where(p => p.Year == year).OrderBy(p => p.Id).ToList();
        if (pairings.Count == 0) return null;
        var pairing = pairings[rng.Next(pairings.Count)];
        if (rng.NextDouble() >= 0.9 || _partnerships.ContainsKey((school.SchoolId, pairing.LeadProviderId, year))) return pairing.LeadProviderId;
        var existing = _schoolPartnerships[school.SchoolId];
        if (existing.FirstOrDefault(p => p.LeadProviderId == pairing.LeadProviderId && p.ContractPeriodYear == year) is { } known)
        {
            _partnerships[(school.SchoolId, pairing.LeadProviderId, year)] = known.PartnershipId;
            return pairing.LeadProviderId;
        }
        if (!_schoolStates.TryGetValue(school.SchoolId, out var schoolState))
            _schoolStates[school.SchoolId] = schoolState = (await _streams.LoadAsync<School>(school.SchoolId, ct)).State;
        var command = new CreateSchoolPartnership(Id(_career, 3 + _careerPartnerships++), school.SchoolId, pairing.LeadProviderId, pairing.DeliveryPartnerId, year, on);
        _commands++;
        try
        {
            var events = CreateSchoolPartnership.Decide(command, SchoolPartnership.Initial, schoolState, existing, _reference);
            _streams.Create(command.PartnershipId, typeof(SchoolPartnership));
            await _streams.AppendAsync([new(command.PartnershipId, SchoolPartnership.StreamType, ExpectedVersion.NoStream, events)], ct);
            _partnerships[(school.SchoolId, pairing.LeadProviderId, year)] = command.PartnershipId;
            existing.Add(new SchoolPartnership(command.PartnershipId, school.SchoolId, pairing.LeadProviderId, pairing.DeliveryPartnerId, year));
        }
        catch (RuleViolation refusal)
        {
            Refuse(refusal);
        }
        return pairing.LeadProviderId;
    }

    /// For commands whose events all go to the teacher's own stream.
    private Task<bool> RunAsync(Guid teacherId, Func<Teacher, IReadOnlyList<object>> decide, CancellationToken ct) =>
        RunAsync(teacherId, null, (t, _) =>
        {
            var events = decide(t);
            // IReadOnlyList is covariant: a Decide that returns streams would otherwise slip in here as "events".
            if (events is IReadOnlyList<StreamEvents>) throw new InvalidOperationException("This Decide returns streams: use the two-stream overload.");
            return [new StreamEvents(teacherId, events)];
        }, ct);

    /// Load → decide → append every stream at the version read, as the API does. A new teacher (fresh) starts empty.
    private async Task<bool> RunAsync(Guid teacherId, Guid? otherId, Func<Teacher, Teacher, IReadOnlyList<StreamEvents>> decide, CancellationToken ct, bool fresh = false)
    {
        if (fresh) _streams.Create(teacherId, typeof(Teacher));
        var (teacher, version) = await _streams.LoadAsync<Teacher>(teacherId, ct);
        var (other, otherVersion) = otherId is { } o ? await _streams.LoadAsync<Teacher>(o, ct) : (Teacher.Initial, 0L);
        _commands++;
        try
        {
            var streams = decide(teacher, other).Where(s => s.Events.Count > 0).ToList();
            if (streams.Count == 0) return true;
            await _streams.AppendAsync(streams.Select(s => new StreamAppend(s.StreamId, Teacher.StreamType,
                s.StreamId == teacherId ? ExpectedVersion.Exactly(version) : s.StreamId == otherId ? ExpectedVersion.Exactly(otherVersion) : ExpectedVersion.Any,
                s.Events)).ToList(), ct);
            return true;
        }
        catch (RuleViolation refusal)
        {
            Refuse(refusal);
            return false;
        }
    }

    private void Refuse(RuleViolation refusal)
    {
        _refused++;
        _refusedBy[refusal.Code] = _refusedBy.GetValueOrDefault(refusal.Code) + 1;
    }

    /// A stable mix of (seed, i): HashCode.Combine is randomised per process, which would make runs differ.
    private static int Mix(int seed, int i) => unchecked((int)((uint)seed * 2_654_435_761u ^ (uint)i * 40_503u + 0x9E3779B9u));

    /// Ids shaped like uuid v7 (time-ordered by i, which keeps the indexes compact) but fixed by (seed, i, kind).
    private Guid Id(int i, int kind)
    {
        Span<byte> bytes = stackalloc byte[16];
        var time = 1_700_000_000_000L + ((long)i << 4) + (kind & 0xF);
        for (var b = 5; b >= 0; b--, time >>= 8) bytes[b] = (byte)time;
        new Random(Mix(_seed, i) ^ (kind * 7919)).NextBytes(bytes[6..]);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    private static readonly string[] DeferralReasons = [.. DeferTraining.Reasons.Keys.Order()];
    private static readonly string[] WithdrawalReasons = [.. WithdrawTraining.Reasons.Keys.Where(k => k != "moved-school").Order()];
    private static readonly string[] First = ["Jane", "Amir", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hugo", "Isla", "Jack", "Kiran", "Lena", "Mo", "Nia", "Owen", "Priya"];
    private static readonly string[] Last = ["Doe", "Khan", "Smith", "Patel", "Jones", "Okafor", "Brown", "Wilson", "Taylor", "Evans", "Singh", "Hughes", "Clarke", "Ali"];
}
