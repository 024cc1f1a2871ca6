using System.Collections.Immutable;
using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Schools;

public enum SchoolStatus { Open, Closed, Merged }

public sealed record School
{
    public const string StreamType = "school";

    public static readonly School Initial = new();

    public Guid Id { get; init; }
    public bool Exists { get; init; }
    public int Urn { get; init; }
    public string Name { get; init; } = string.Empty;
    public bool Eligible { get; init; }
    public bool Independent { get; init; }
    public SchoolStatus Status { get; init; }
    public DateOnly? ClosedOn { get; init; }
    public Guid? MergedInto { get; init; }
    public ImmutableList<int> PreviousUrns { get; init; } = [];

    public static School Evolve(School state, object @event) => @event switch
    {
        SchoolOpened e => state with { Id = e.SchoolId, Exists = true, Urn = e.Urn, Name = e.Name, Eligible = e.Eligible, Independent = e.Independent, Status = SchoolStatus.Open },
        SchoolDetailsChanged e => state with { Name = e.Name, Eligible = e.Eligible, Independent = e.Independent },
        SchoolUrnChanged e => state with { Urn = e.ToUrn, PreviousUrns = state.PreviousUrns.Add(e.FromUrn) },
        SchoolMerged e => state with { Status = SchoolStatus.Merged, MergedInto = e.IntoSchoolId, ClosedOn = e.MergedOn },
        SchoolClosed e => state with { Status = SchoolStatus.Closed, ClosedOn = e.ClosedOn },
        _ => state,
    };

    internal void EnsureOpen()
    {
        if (!Exists) throw new RuleViolation("school_not_found", "The school does not exist");
        if (Status != SchoolStatus.Open) throw new RuleViolation("school_not_open", $"{Name} is {Status.ToString().ToLowerInvariant()}");
    }
}

public static class UrnValidation
{
    public static IRuleBuilderOptions<T, int> MustBeUrn<T>(this IRuleBuilder<T, int> rule) =>
        rule.InclusiveBetween(100000, 999999).WithMessage("A URN has 6 digits");
}
