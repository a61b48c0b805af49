namespace SandboxRegistry.Contracts;

/// <summary>
/// Points at the domain event an integration message was made from, so that any link built on the
/// message can be checked against the owning service's event store.
/// </summary>
/// <param name="Service">Owning service, e.g. "sandbox-applications".</param>
/// <param name="StreamId">Stream the event belongs to.</param>
/// <param name="StreamVersion">Position of the event in its stream (1-based).</param>
/// <param name="EventId">Marten event id; also the MassTransit MessageId of the message.</param>
/// <param name="Sequence">Position of the event in the service's global event sequence.</param>
/// <param name="Hash">The event's link in its stream's hash chain (SHA-256, hex), to check against the owner's
/// GET /api/v1/audit/events/{eventId} and stream verification.</param>
public sealed record SourceCitation(string Service, Guid StreamId, long StreamVersion, Guid EventId, long Sequence, string? Hash = null);

/// <summary>Implemented by every integration message: each one says which event it came from.</summary>
public interface ICitedMessage
{
    SourceCitation Source { get; }
}
