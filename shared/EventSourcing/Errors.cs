namespace SandboxRegistry.EventSourcing;

/// <summary>
/// A business rule refused the command: the request was well formed but the current state does not allow it.
/// Answered as 409 with a stable <see cref="Code"/> that clients can switch on.
/// </summary>
/// <param name="extensions">Further members of the problem details, for a refusal whose client needs data to act on (e.g. the
/// candidates to choose from).</param>
public sealed class DomainRuleViolation(string code, string message, IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(message)
{
    public string Code { get; } = code;

    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
}

/// <summary>The resource does not exist, or exists but is not the caller's to see (no existence leak): 404.</summary>
public sealed class ResourceNotFound(string message = "The resource was not found.") : Exception(message);

/// <summary>The If-Match header does not hold a stream version the server can compare: 400.</summary>
public sealed class MalformedPrecondition(string message) : Exception(message);
