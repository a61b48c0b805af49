namespace SandboxRegistry.EventSourcing;

/// <summary>
/// A business rule refused the command: the request was well formed but the current state does not allow it.
/// Answered as 409 with a stable <see cref="Code"/> that clients can switch on.
/// </summary>
public sealed class DomainRuleViolation(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>The resource does not exist, or exists but is not the caller's to see (no existence leak): 404.</summary>
public sealed class ResourceNotFound(string message = "The resource was not found.") : Exception(message);

/// <summary>The If-Match header does not hold a stream version the server can compare: 400.</summary>
public sealed class MalformedPrecondition(string message) : Exception(message);
