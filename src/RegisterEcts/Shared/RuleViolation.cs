namespace RegisterEcts.Shared;

/// A command that is well formed but breaks a business rule (HTTP 422). Nothing is written.
/// Code is stable for machines; the message is plain English for the person who sent the command.
public sealed class RuleViolation(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
