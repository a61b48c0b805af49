using System.Runtime.CompilerServices;
using Marten;
using Npgsql;

namespace SandboxRegistry.EventSourcing.Audit;

/// <summary>Where a stream's chain first fails, and why.</summary>
public sealed record ChainBreak(long Position, Guid? EventId, string Reason);

public sealed record StreamVerification(Guid StreamId, bool Valid, long EventsChecked, string? HeadHash, ChainBreak? FirstBroken);

/// <summary>
/// One stored event as the database holds it now, with its seal when there is one. <see cref="Tombstone"/> marks
/// the filler Marten writes for the sequence numbers of a transaction that failed (see <see cref="ChainVerifier"/>).
/// </summary>
internal sealed record StoredEvent(long Sequence, Guid Id, Guid StreamId, long Version, string Type, string Data, string? UserName,
    EventSeal? Seal, bool Tombstone = false);

/// <summary>
/// Recomputes hash chains from the rows as they are stored now: the event type, data and user name come from the
/// event table, the link and the instant from the seal. Any change to an event's row, a deleted or moved event,
/// or an edited seal shows as a broken position.
/// </summary>
public sealed class ChainVerifier(IDocumentStore store, NpgsqlDataSource dataSource)
{
    private string Schema => store.Options.Events.DatabaseSchemaName;

    public async Task<StreamVerification?> VerifyStreamAsync(Guid streamId, CancellationToken ct)
    {
        var rows = new List<StoredEvent>();
        await foreach (var row in ReadAsync("e.stream_id = @stream order by e.version", ct, ("stream", streamId)))
            rows.Add(row);
        await using var session = store.QuerySession();
        var seals = (await session.Query<EventSeal>().Where(s => s.StreamId == streamId).ToListAsync(ct))
            .ToDictionary(s => s.Version);
        if (rows.Count == 0 && seals.Count == 0) return null;

        var byVersion = rows.ToDictionary(r => r.Version);
        var last = Math.Max(rows.Count == 0 ? 0 : rows.Max(r => r.Version), seals.Count == 0 ? 0 : seals.Keys.Max());
        var previous = AuditHash.Genesis;
        for (var version = 1L; version <= last; version++)
        {
            byVersion.TryGetValue(version, out var row);
            seals.TryGetValue(version, out var seal);
            var broken = Check(row, seal, previous);
            if (broken is not null)
                return new StreamVerification(streamId, false, version - 1, previous, broken with { Position = version });
            previous = seal!.Hash;
        }
        return new StreamVerification(streamId, true, last, previous, null);
    }

    /// <summary>Why the event at a position does not continue the chain from <paramref name="previous"/>, or null.</summary>
    internal static ChainBreak? Check(StoredEvent? row, EventSeal? seal, string previous)
    {
        if (row is null) return new ChainBreak(0, seal?.Id, "The event sealed at this position is missing from the store.");
        if (seal is null) return new ChainBreak(0, row.Id, "The event at this position has no seal: it was inserted here.");
        if (seal.Id != row.Id) return new ChainBreak(0, row.Id, "A different event was sealed at this position: events were reordered.");
        if (seal.PreviousHash != previous)
            return new ChainBreak(0, row.Id, "The seal does not link to the previous event's hash.");
        if (Recompute(row, seal) != seal.Hash)
            return new ChainBreak(0, row.Id, "The event's type, data or author differ from what was sealed.");
        return null;
    }

    internal static string Recompute(StoredEvent row, EventSeal seal) =>
        AuditHash.OfEvent(seal.Scheme, seal.PreviousHash, row.Type, row.Data, row.UserName, seal.At);

    /// <summary>All events in global order, each with its seal.</summary>
    internal IAsyncEnumerable<StoredEvent> ReadAllAsync(long upToSequence, CancellationToken ct) =>
        ReadRangeAsync(0, upToSequence, ct);

    /// <summary>Events after <paramref name="after"/> up to and including <paramref name="upTo"/>, in global order.</summary>
    internal IAsyncEnumerable<StoredEvent> ReadRangeAsync(long after, long upTo, CancellationToken ct) =>
        ReadAsync("e.seq_id > @after and e.seq_id <= @upTo order by e.seq_id", ct, ("after", after), ("upTo", upTo));

    /// <summary>The events with these ids at or below <paramref name="upTo"/>, in global order (Marten's unique index on event ids).</summary>
    internal IAsyncEnumerable<StoredEvent> ReadEventsAsync(IReadOnlyCollection<Guid> ids, long upTo, CancellationToken ct) =>
        ReadAsync("e.id = any(@ids) and e.seq_id <= @upTo order by e.seq_id", ct, ("ids", ids.ToArray()), ("upTo", upTo));

    /// <summary>
    /// What an event without a seal contributes to the running hash (it can only predate the audit trail, or have been
    /// inserted behind its back): computed the same way by the checkpointer and by verification, so both agree on it.
    /// </summary>
    internal static string Unsealed(StoredEvent row) =>
        AuditHash.OfEventJson(AuditHash.Genesis, row.Type, row.Data, row.UserName, DateTimeOffset.UnixEpoch);

    /// <summary>
    /// When a transaction that drew event sequence numbers fails, Marten fills the gap so the async daemon can move
    /// on: one event of type "tombstone" per number, with no data (<c>{}</c>), version equal to its sequence, in a
    /// stream of its own that Marten registers at version 0 and never appends to (Marten's EventGraph
    /// TryCreateTombstoneBatch and EstablishTombstoneStream). Such a row carries nothing that could have been
    /// tampered with, never had a seal, and is left out of every hash; anything else without a valid seal is a break.
    /// </summary>
    private string TombstoneCondition =>
        $$"""
          (e.type = 'tombstone' and s.id is null and e.data = '{}'::jsonb and e.version = e.seq_id
           and exists (select 1 from {{Schema}}.mt_streams t where t.id = e.stream_id and t.version = 0))
          """;

    /// <summary>
    /// The event's leaf in the service's RFC 6962 tree: SHA-256(0x00 || entry), the entry being the UTF-8 RFC 8785 form
    /// of <c>{"eventId", "hash", "sequence", "streamId", "version"}</c> with the event's seal hash (the unsealed hash when
    /// it has none). Tombstones are no leaves.
    /// </summary>
    internal static byte[] LeafOf(StoredEvent row) =>
        MerkleTree.LeafHash(LeafEntry(row.Sequence, row.StreamId, row.Version, row.Id, row.Seal?.Hash ?? Unsealed(row)));

    public static byte[] LeafEntry(long sequence, Guid streamId, long version, Guid eventId, string hash) =>
        System.Text.Encoding.UTF8.GetBytes(
            $$"""{"eventId":"{{eventId:D}}","hash":"{{hash}}","sequence":{{sequence}},"streamId":"{{streamId:D}}","version":{{version}}}""");

    private async IAsyncEnumerable<StoredEvent> ReadAsync(string where, [EnumeratorCancellation] CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""
             select e.seq_id, e.id, e.stream_id, e.version, e.type, e.data::text, e.user_name,
                    s.data ->> 'streamId', s.data ->> 'version', s.data ->> 'type', s.data ->> 'by', s.data ->> 'at',
                    s.data ->> 'previousHash', s.data ->> 'hash', coalesce((s.data ->> 'scheme')::int, 1),
                    case when e.type = 'tombstone' then {TombstoneCondition} else false end
             from {Schema}.mt_events e
             left join {Schema}.mt_doc_eventseal s on s.id = e.id
             where {where}
             """, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(1);
            var seal = reader.IsDBNull(13)
                ? null
                : new EventSeal(id, Guid.Parse(reader.GetString(7)), long.Parse(reader.GetString(8)), reader.GetString(9),
                    reader.IsDBNull(10) ? null : reader.GetString(10), DateTimeOffset.Parse(reader.GetString(11), System.Globalization.CultureInfo.InvariantCulture),
                    reader.GetString(12), reader.GetString(13), reader.GetInt32(14));
            yield return new StoredEvent(reader.GetInt64(0), id, reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), seal, reader.GetBoolean(15));
        }
    }
}
