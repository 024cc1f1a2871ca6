using RegisterEcts.EventStore;
using RegisterEcts.Partnerships;
using RegisterEcts.Partnerships.PartnershipList;
using RegisterEcts.Reference;
using RegisterEcts.Schools;
using RegisterEcts.Schools.SchoolDirectory;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.Seeding;

public sealed record CareerSeedResult(int Teachers, int Commands, int Refused);

/// <summary>
/// Realistic, deterministic careers through the real command path (Decide, then append at the version
/// read, inline projections and all): registrations over 2021–2026, partnerships as schools need them, email
/// changes, about 15% school moves, lead provider changes, mentors assigned, inductions claimed and passed.
/// Teacher i's career depends only on (seed, i), so a run can be resumed or extended. A command the rules
/// refuse is counted, not fatal: careers are random, the rules are not.
/// </summary>
public sealed class CareerSeed(PostgresEventStore store, EventContext context)
{
    private readonly Dictionary<(Guid School, Guid LeadProvider, int Year), Guid> _partnerships = [];
    private ReferenceData _reference = ReferenceData.Empty;
    private List<SchoolRow> _schools = [];
    private int _commands, _refused;

    public async Task<CareerSeedResult> RunAsync(int teachers, int seed, int firstTeacher = 0, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        (_reference, _) = await ReferenceStream.LoadAsync(store, ct);
        if (_reference.LeadProviderDeliveryPartnerships.IsEmpty) throw new InvalidOperationException("Load reference data first (rects seed reference).");
        _schools = [.. (await SchoolDirectoryProjection.ListAsync(store.DataSource, 0, int.MaxValue, ct)).Where(s => s.Status == SchoolStatus.Open && s.Eligible)];
        if (_schools.Count < 2) throw new InvalidOperationException("Import schools first (rects import gias).");
        for (var i = firstTeacher; i < firstTeacher + teachers; i++)
        {
            await CareerAsync(new Random(HashCode.Combine(seed, i)), i, ct);
            progress?.Report(i - firstTeacher + 1);
        }
        return new CareerSeedResult(teachers, _commands, _refused);
    }

    private async Task CareerAsync(Random rng, int i, CancellationToken ct)
    {
        var year = 2021 + rng.Next(6);
        var started = new DateOnly(year, 9, 1).AddDays(rng.Next(0, 120));
        var school = _schools[rng.Next(_schools.Count)];
        var providerLed = rng.NextDouble() < 0.85;
        var leadProvider = providerLed ? await ProviderForAsync(rng, school, year, started, ct) : null;
        var body = _reference.AppropriateBodies.Values.Where(a => a.Active).OrderBy(a => a.Id).ElementAt(rng.Next(_reference.AppropriateBodies.Values.Count(a => a.Active)));
        var trn = (3_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var teacherId = Guid.CreateVersion7();
        var name = $"{First[rng.Next(First.Length)]} {Last[rng.Next(Last.Length)]}";

        if (!await RunAsync(teacherId, async (t, _) => RegisterEct.Decide(new RegisterEct(teacherId, trn, name, $"teacher{i}@example.com", school.SchoolId, started,
                rng.NextDouble() < 0.1 ? WorkingPattern.PartTime : WorkingPattern.FullTime, body.Id, school.Independent,
                providerLed ? TrainingProgramme.ProviderLed : TrainingProgramme.SchoolLed, leadProvider,
                await PartnershipListProjection.ForSchoolAsync(store.DataSource, school.SchoolId, ct), started), t, _reference), ct))
            return;

        if (rng.NextDouble() < 0.6)
            await RunAsync(teacherId, (t, _) => Task.FromResult<IReadOnlyList<StreamEvents>>(
                [new(teacherId, ClaimInduction.Decide(new ClaimInduction(teacherId, body.Id, started, providerLed ? TrainingProgramme.ProviderLed : TrainingProgramme.SchoolLed, started), t, _reference))]), ct);

        if (rng.NextDouble() < 0.4)
        {
            var on = started.AddDays(rng.Next(10, 90));
            await RunAsync(teacherId, (t, _) => Task.FromResult<IReadOnlyList<StreamEvents>>(
                [new(teacherId, ChangeEmail.Decide(new ChangeEmail(teacherId, TeacherRole.Ect, school.SchoolId, $"teacher{i}.new@example.com", on), t))]), ct);
        }

        if (rng.NextDouble() < 0.3)
        {
            var mentorId = Guid.CreateVersion7();
            var mentorTrn = (8_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var on = started.AddDays(rng.Next(0, 20));
            if (await RunAsync(mentorId, async (m, _) => RegisterMentor.Decide(new RegisterMentor(mentorId, mentorTrn, $"{First[rng.Next(First.Length)]} {Last[rng.Next(Last.Length)]}",
                    $"mentor{i}@example.com", school.SchoolId, on, false, leadProvider, await PartnershipListProjection.ForSchoolAsync(store.DataSource, school.SchoolId, ct), on), m, _reference), ct))
                await RunAsync(teacherId, mentorId, (t, m) => AssignMentor.Decide(new AssignMentor(teacherId, mentorId, school.SchoolId, on), t, m, _reference), ct);
        }

        if (providerLed && rng.NextDouble() < 0.1)
        {
            var on = started.AddDays(rng.Next(30, 120));
            var other = await ProviderForAsync(rng, school, year, on, ct);
            if (other is { } lp && lp != leadProvider)
                await RunAsync(teacherId, async (t, _) => [new(teacherId, ChangeLeadProvider.Decide(new ChangeLeadProvider(teacherId, TeacherRole.Ect, school.SchoolId, lp,
                    await PartnershipListProjection.ForSchoolAsync(store.DataSource, school.SchoolId, ct), on), t, _reference))], ct);
        }

        var leftOn = started.AddDays(rng.Next(120, 400));
        if (rng.NextDouble() < 0.15)
        {
            if (!await RunAsync(teacherId, (t, _) => Task.FromResult(ReportEctLeaving.Decide(new ReportEctLeaving(teacherId, school.SchoolId, leftOn, leftOn.AddDays(-20)), t)), ct))
                return;
            var next = _schools[rng.Next(_schools.Count)];
            if (next.SchoolId == school.SchoolId) return;
            var joinedOn = leftOn.AddDays(1);
            var nextYear = joinedOn.Month >= 6 ? joinedOn.Year : joinedOn.Year - 1;
            var nextProvider = providerLed ? await ProviderForAsync(rng, next, Math.Min(nextYear, 2026), joinedOn, ct) : null;
            await RunAsync(teacherId, async (t, _) => RegisterEct.Decide(new RegisterEct(teacherId, trn, name, $"teacher{i}@example.com", next.SchoolId, joinedOn,
                WorkingPattern.FullTime, body.Id, next.Independent, providerLed ? TrainingProgramme.ProviderLed : TrainingProgramme.SchoolLed, nextProvider,
                await PartnershipListProjection.ForSchoolAsync(store.DataSource, next.SchoolId, ct), joinedOn), t, _reference), ct);
        }
        else if (year <= 2023 && rng.NextDouble() < 0.7)
        {
            var passedOn = started.AddYears(2).AddDays(-10);
            await RunAsync(teacherId, (t, _) => Task.FromResult(RecordInductionOutcome.Decide(
                new RecordInductionOutcome(teacherId, body.Id, InductionOutcome.Pass, passedOn, 6, null, passedOn), t)), ct);
        }
    }

    /// A lead provider with a delivery partner that year; the school partners with it (90%) or only expresses interest.
    private async Task<Guid?> ProviderForAsync(Random rng, SchoolRow school, int year, DateOnly on, CancellationToken ct)
    {
        var pairings = _reference.LeadProviderDeliveryPartnerships.Values.Where(p => p.Year == year).OrderBy(p => p.Id).ToList();
        if (pairings.Count == 0) return null;
        var pairing = pairings[rng.Next(pairings.Count)];
        if (rng.NextDouble() < 0.9 && !_partnerships.ContainsKey((school.SchoolId, pairing.LeadProviderId, year)))
        {
            var existing = await PartnershipListProjection.ForSchoolAsync(store.DataSource, school.SchoolId, ct);
            var known = existing.FirstOrDefault(p => p.LeadProviderId == pairing.LeadProviderId && p.ContractPeriodYear == year);
            if (known is not null)
            {
                _partnerships[(school.SchoolId, pairing.LeadProviderId, year)] = known.PartnershipId;
            }
            else
            {
                var schoolState = (await store.ReadStreamAsync(school.SchoolId, ct: ct)).Events.Aggregate(School.Initial, (s, e) => School.Evolve(s, e.Data));
                var command = new CreateSchoolPartnership(Guid.CreateVersion7(), school.SchoolId, pairing.LeadProviderId, pairing.DeliveryPartnerId, year, on);
                try
                {
                    await store.DecideAsync(command.PartnershipId, SchoolPartnership.StreamType, SchoolPartnership.Initial, SchoolPartnership.Evolve,
                        state => CreateSchoolPartnership.Decide(command, state, schoolState, existing, _reference), context, ct);
                    _partnerships[(school.SchoolId, pairing.LeadProviderId, year)] = command.PartnershipId;
                    _commands++;
                }
                catch (RuleViolation)
                {
                    _refused++;
                }
            }
        }
        return pairing.LeadProviderId;
    }

    private Task<bool> RunAsync(Guid teacherId, Func<Teacher, Teacher, Task<IReadOnlyList<StreamEvents>>> decide, CancellationToken ct) =>
        RunAsync(teacherId, null, (t, o) => decide(t, o), ct);

    private Task<bool> RunAsync(Guid teacherId, Guid otherId, Func<Teacher, Teacher, IReadOnlyList<StreamEvents>> decide, CancellationToken ct) =>
        RunAsync(teacherId, otherId, (t, o) => Task.FromResult(decide(t, o)), ct);

    /// Load → decide → append every stream at the version read, as the API does.
    private async Task<bool> RunAsync(Guid teacherId, Guid? otherId, Func<Teacher, Teacher, Task<IReadOnlyList<StreamEvents>>> decide, CancellationToken ct)
    {
        var (teacher, version) = await LoadAsync(teacherId, ct);
        var (other, otherVersion) = otherId is { } o ? await LoadAsync(o, ct) : (Teacher.Initial, 0L);
        _commands++;
        try
        {
            var streams = (await decide(teacher, other)).Where(s => s.Events.Count > 0).ToList();
            if (streams.Count == 0) return true;
            await store.AppendAsync(streams.Select(s => new StreamAppend(s.StreamId, Teacher.StreamType,
                s.StreamId == teacherId ? ExpectedVersion.Exactly(version) : s.StreamId == otherId ? ExpectedVersion.Exactly(otherVersion) : ExpectedVersion.Any,
                s.Events)).ToList(), context, ct);
            return true;
        }
        catch (RuleViolation)
        {
            _refused++;
            return false;
        }
    }

    private async Task<(Teacher, long)> LoadAsync(Guid id, CancellationToken ct)
    {
        var slice = await store.ReadStreamAsync(id, ct: ct);
        return (slice.Events.Aggregate(Teacher.Initial, (s, e) => Teacher.Evolve(s, e.Data)), slice.Version);
    }

    private static readonly string[] First = ["Jane", "Amir", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hugo", "Isla", "Jack", "Kiran", "Lena", "Mo", "Nia", "Owen", "Priya"];
    private static readonly string[] Last = ["Doe", "Khan", "Smith", "Patel", "Jones", "Okafor", "Brown", "Wilson", "Taylor", "Evans", "Singh", "Hughes", "Clarke", "Ali"];
}
