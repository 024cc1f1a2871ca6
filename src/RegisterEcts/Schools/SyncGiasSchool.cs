using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Schools;

/// The GIAS importer's daily view of one open school, already linked to our school id.
public sealed record SyncGiasSchool(Guid SchoolId, int Urn, string Name, bool Eligible, DateOnly OpenedOn, DateOnly Today, bool Independent = false)
{
    public sealed class Validator : AbstractValidator<SyncGiasSchool>
    {
        public Validator()
        {
            RuleFor(c => c.SchoolId).NotEmpty();
            RuleFor(c => c.Urn).MustBeUrn();
            RuleFor(c => c.Name).NotEmpty();
        }
    }

    public static IReadOnlyList<object> Decide(SyncGiasSchool command, School state)
    {
        if (!state.Exists)
            return [new SchoolOpened(command.SchoolId, command.Urn, command.Name, command.Eligible, command.OpenedOn, command.Independent)];
        state.EnsureOpen();
        if (state.Urn != command.Urn)
            throw new RuleViolation("urn_mismatch", $"{state.Name} has URN {state.Urn}, not {command.Urn}; record the academisation instead");
        return state.Name == command.Name && state.Eligible == command.Eligible && state.Independent == command.Independent
            ? []
            : [new SchoolDetailsChanged(command.SchoolId, command.Name, command.Eligible, command.Today, command.Independent)];
    }
}
