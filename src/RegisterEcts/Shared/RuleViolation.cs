namespace RegisterEcts.Shared;

/// A command that is well formed but breaks a business rule (HTTP 422). Nothing is written.
/// Code is stable for machines; the message is plain English for the person who sent the command.
public sealed class RuleViolation(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    /// Every rule the command broke, this one first: some commands (a lead provider's declaration) report each
    /// broken rule at once, as the reference API does, so a provider can fix them in one go.
    public IReadOnlyList<RuleViolation> All { get; private init; } = [];

    public static RuleViolation Several(IReadOnlyList<RuleViolation> violations) =>
        violations.Count == 0 ? throw new ArgumentException("No rule was broken.", nameof(violations))
            : new(violations[0].Code, violations[0].Message) { All = violations };

    /// This violation and any others reported with it.
    public IReadOnlyList<RuleViolation> Each => All.Count > 0 ? All : [this];
}
