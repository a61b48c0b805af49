using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace SandboxRegistry.EventSourcing.Audit;

/// <summary>
/// The hash-chain link of one stored event: written in the same transaction as the event, never updated.
/// <see cref="Hash"/> covers the previous link, the event type, the canonical JSON of the data, who and when, as
/// <see cref="Scheme"/> says: 1 (seals stored before the scheme was recorded) the documented lines over the project's
/// own canonical JSON, 2 the RFC 8785 canonical form of one object. Old seals keep verifying under their scheme.
/// <see cref="Sequence"/> is the event's global sequence number, which Rich appends assign before the seal is written:
/// it is not hashed (the tree's leaf and the running hash cover the sequence), it only lets verification read the seals
/// in the events' order (an index on it) instead of looking each one up by id. Seals stored before it was recorded
/// have 0 and are found by event id.
/// </summary>
public sealed record EventSeal(
    Guid Id,
    Guid StreamId,
    long Version,
    string Type,
    string? By,
    DateTimeOffset At,
    string PreviousHash,
    string Hash,
    int Scheme = EventSeal.LinesScheme,
    long Sequence = 0)
{
    public const int LinesScheme = 1;
    public const int JcsScheme = 2;
}

/// <summary>
/// Seals every appended event inline, inside the transaction that appends it (opened first by <see cref="Commits"/>), so an event never exists without
/// its link in the chain.
/// </summary>
public sealed class EventSealProjection : IProjection
{
    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var serializer = operations.DocumentStore.Options.Serializer();
        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            var before = stream.Min(e => e.Version) - 1;
            var previous = before < 1
                ? AuditHash.Genesis
                : (await operations.Query<EventSeal>()
                      .Where(s => s.StreamId == stream.Key && s.Version == before)
                      .FirstOrDefaultAsync(cancellation))?.Hash
                  ?? throw new InvalidOperationException($"Stream {stream.Key} has no seal for version {before}.");

            foreach (var e in stream.OrderBy(e => e.Version))
            {
                var at = e.Timestamp == default ? DateTimeOffset.UtcNow : e.Timestamp;
                var hash = AuditHash.OfEventJcs(previous, e.EventTypeName, serializer.ToJson(e.Data), e.UserName, at);
                operations.Insert(new EventSeal(e.Id, stream.Key, e.Version, e.EventTypeName, e.UserName, at, previous, hash,
                    EventSeal.JcsScheme, e.Sequence));
                previous = hash;
            }
        }
    }
}
