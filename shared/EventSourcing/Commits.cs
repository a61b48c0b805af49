using Marten;

namespace SandboxRegistry.EventSourcing;

/// <summary>
/// The one way product code saves a session. Marten's rich append mode (which the audit seal needs: see
/// <c>ServiceDefaultsExtensions.ConfigureStore</c>) reserves the events' sequence numbers with a query of its own
/// <em>before</em> it opens the transaction that inserts them; in between it runs the inline projections, on a busy
/// machine for seconds. While those numbers are reserved but not inserted, the async daemon sees a gap in the sequence,
/// and before it skips a gap it asks PostgreSQL whether a transaction that could still fill it is alive. A reservation
/// made outside any transaction leaves no such evidence, so the daemon skipped the gap and every async consumer of the
/// store (the outbox above all) never saw the events that committed into it a moment later: the cluster fault suite
/// lost two acknowledged reports that way (docs/Cluster.md; Marten issue 5327, closed as "won't fix" for rich mode).
/// Opening the transaction first puts the reservation inside it, where the daemon's probe sees it and waits.
/// <c>CommitRuleTests</c> keeps every product path on this method.
/// </summary>
public static class Commits
{
    public static async Task CommitAsync(this IDocumentSession session, CancellationToken ct)
    {
        if (session.PendingChanges.Streams().Any()) await session.BeginTransactionAsync(ct);
        await session.SaveChangesAsync(ct);
    }
}
