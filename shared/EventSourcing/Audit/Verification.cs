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
    StoredSeal? Seal, bool Tombstone = false);

/// <summary>
/// What verification reads of an event's seal: where it was sealed, and what the hash covered besides the event's own
/// row. The seal's copies of the type and the author are not read: the hash is recomputed from the event row's.
/// </summary>
internal sealed record StoredSeal(Guid StreamId, long Version, DateTimeOffset At, string PreviousHash, string Hash, int Scheme);

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
        await foreach (var row in ReadAsync("e.stream_id = @stream order by e.version", "", scan: false, ct, ("stream", streamId)))
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
        if (Recompute(row, seal.Scheme, seal.PreviousHash, seal.At) != seal.Hash)
            return new ChainBreak(0, row.Id, "The event's type, data or author differ from what was sealed.");
        return null;
    }

    internal static string Recompute(StoredEvent row, StoredSeal seal) => Recompute(row, seal.Scheme, seal.PreviousHash, seal.At);

    private static string Recompute(StoredEvent row, int scheme, string previousHash, DateTimeOffset at) =>
        AuditHash.OfEvent(scheme, previousHash, row.Type, row.Data, row.UserName, at);

    /// <summary>All events in global order, each with its seal.</summary>
    internal IAsyncEnumerable<StoredEvent> ReadAllAsync(long upToSequence, CancellationToken ct) =>
        ReadRangeAsync(0, upToSequence, ct);

    /// <summary>
    /// Events after <paramref name="after"/> up to and including <paramref name="upTo"/>, in global order. The seals are
    /// read in the same order through their sequence index (a merge join over a long range, one index step per event over
    /// a short one), with the planner kept from hashing and sorting the whole seal table or splitting the scan across
    /// workers; on two cores that reads a million events in about a third of the time lookups by id take.
    /// </summary>
    internal IAsyncEnumerable<StoredEvent> ReadRangeAsync(long after, long upTo, CancellationToken ct) =>
        ReadAsync("e.seq_id > @after and e.seq_id <= @upTo order by e.seq_id",
            $"and {SealSequence} > @after and {SealSequence} <= @upTo", scan: true, ct, ("after", after), ("upTo", upTo));

    /// <summary>The events with these ids at or below <paramref name="upTo"/>, in global order (Marten's unique index on event ids).</summary>
    internal IAsyncEnumerable<StoredEvent> ReadEventsAsync(IReadOnlyCollection<Guid> ids, long upTo, CancellationToken ct) =>
        ReadAsync("e.id = any(@ids) and e.seq_id <= @upTo order by e.seq_id", "", scan: false, ct, ("ids", ids.ToArray()), ("upTo", upTo));

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
    internal static byte[] LeafOf(StoredEvent row)
    {
        var hash = row.Seal?.Hash ?? Unsealed(row);
        // The 0x00 prefix and the entry in one buffer, on the stack for any hash of ordinary length.
        Span<byte> leaf = hash.Length <= 64 ? stackalloc byte[EntryBytes(64)] : new byte[EntryBytes(hash.Length)];
        leaf[0] = 0;
        WriteLeafEntry(leaf[1..], row.Sequence, row.StreamId, row.Version, row.Id, hash, out var written);
        return System.Security.Cryptography.SHA256.HashData(leaf[..(written + 1)]);
    }

    public static byte[] LeafEntry(long sequence, Guid streamId, long version, Guid eventId, string hash)
    {
        var entry = new byte[EntryBytes(hash.Length) - 1];
        WriteLeafEntry(entry, sequence, streamId, version, eventId, hash, out var written);
        return entry[..written];
    }

    /// <summary>The leaf entry's UTF-8 bytes, the one place its format is written.</summary>
    private static void WriteLeafEntry(Span<byte> destination, long sequence, Guid streamId, long version, Guid eventId, string hash,
        out int written)
    {
        if (!System.Text.Unicode.Utf8.TryWrite(destination,
                $$"""{"eventId":"{{eventId:D}}","hash":"{{hash}}","sequence":{{sequence}},"streamId":"{{streamId:D}}","version":{{version}}}""",
                out written))
            throw new InvalidOperationException("The leaf entry's buffer is sized for any hash.");
    }

    /// <summary>Bytes for the 0x00 prefix and an entry whose hash has this many characters (at most 3 UTF-8 bytes each).</summary>
    private static int EntryBytes(int hashLength) => 1 + 128 + 2 * 20 + 2 * 36 + 3 * hashLength;

    /// <summary>The seal's sequence as its index (EventSeal.Sequence in ServiceDefaultsExtensions) computes it.</summary>
    private const string SealSequence = "CAST(s.data ->> 'sequence' as bigint)";

    /// <summary>
    /// The seal's fields that <see cref="StoredSeal"/> holds. Stream and version are cast in SQL: the unique index on them
    /// (event_seal_stream_version) casts them the same way, so no stored seal can hold values the casts refuse (and the
    /// rows carry no strings for them).
    /// </summary>
    private const string SealColumns =
        "(s.data ->> 'streamId')::uuid, (s.data ->> 'version')::bigint, s.data ->> 'at', s.data ->> 'previousHash', s.data ->> 'hash', " +
        "coalesce((s.data ->> 'scheme')::int, 1)";

    /// <summary>Rows are yielded in batches of this many, after the seals not found by sequence were looked up by id.</summary>
    private const int Batch = 256;

    /// <summary>
    /// The rows <paramref name="where"/> selects, each with its seal: the seal at the event's sequence with the event's
    /// id, else (a seal stored before sequences were recorded, or one whose sequence was changed) the seal with the
    /// event's id, looked up for a whole batch at once on a second connection.
    /// </summary>
    private async IAsyncEnumerable<StoredEvent> ReadAsync(string where, string sealRange, bool scan,
        [EnumeratorCancellation] CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (scan)
        {
            await using var settings = new NpgsqlCommand(
                "set local jit = off; set local enable_hashjoin = off; set local enable_sort = off; set local max_parallel_workers_per_gather = 0",
                connection, transaction);
            await settings.ExecuteNonQueryAsync(ct);
        }
        await using var command = new NpgsqlCommand(
            $"""
             select e.seq_id, e.id, e.stream_id, e.version, e.type, e.data::text, e.user_name, {SealColumns},
                    case when e.type = 'tombstone' then {TombstoneCondition} else false end
             from {Schema}.mt_events e
             left join {Schema}.mt_doc_eventseal s on {SealSequence} = e.seq_id and s.id = e.id {sealRange}
             where {where}
             """, connection, transaction);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        NpgsqlConnection? lookups = null;
        try
        {
            var batch = new List<StoredEvent>(Batch);
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var id = reader.GetGuid(1);
                    batch.Add(new StoredEvent(reader.GetInt64(0), id, reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4),
                        reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), ReadSeal(reader, 7), reader.GetBoolean(13)));
                    if (batch.Count < Batch) continue;
                    lookups = await FillSealsByIdAsync(batch, lookups, ct);
                    foreach (var row in batch) yield return row;
                    batch.Clear();
                }
            }
            lookups = await FillSealsByIdAsync(batch, lookups, ct);
            foreach (var row in batch) yield return row;
        }
        finally
        {
            if (lookups is not null) await lookups.DisposeAsync();
        }
    }

    /// <summary>Looks up by event id the seals of the rows that have none yet (a row with a seal is no tombstone).</summary>
    private async Task<NpgsqlConnection?> FillSealsByIdAsync(List<StoredEvent> batch, NpgsqlConnection? connection, CancellationToken ct)
    {
        var missing = batch.Where(r => r.Seal is null).Select(r => r.Id).ToArray();
        if (missing.Length == 0) return connection;
        connection ??= await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"select s.id, {SealColumns} from {Schema}.mt_doc_eventseal s where s.id = any(@ids)", connection);
        command.Parameters.AddWithValue("ids", missing);
        var seals = new Dictionary<Guid, StoredSeal>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                seals[reader.GetGuid(0)] = ReadSeal(reader, 1)!;
            }
        if (seals.Count == 0) return connection;
        for (var i = 0; i < batch.Count; i++)
            if (batch[i].Seal is null && seals.TryGetValue(batch[i].Id, out var seal))
                batch[i] = batch[i] with { Seal = seal, Tombstone = false };
        return connection;
    }

    /// <summary>
    /// The seal in the <see cref="SealColumns"/> from <paramref name="at"/>, or null when there is none. A seal whose
    /// fields were removed or changed to what they cannot be is read as it would compare (no stream, version 0, the
    /// epoch), so it shows as a break at its position rather than failing the read.
    /// </summary>
    private static StoredSeal? ReadSeal(NpgsqlDataReader reader, int at)
    {
        if (reader.IsDBNull(at + 4)) return null;
        string? Text(int column) => reader.IsDBNull(at + column) ? null : reader.GetString(at + column);
        return new StoredSeal(
            reader.IsDBNull(at) ? Guid.Empty : reader.GetGuid(at),
            reader.IsDBNull(at + 1) ? 0 : reader.GetInt64(at + 1),
            Instant(Text(2)), Text(3) ?? "", reader.GetString(at + 4), reader.GetInt32(at + 5));
    }

    /// <summary>
    /// The seal's instant as System.Text.Json wrote it: the round-trip form ("O", seven fraction digits) parsed exactly,
    /// any other spelling (fewer digits, as for a timestamp of PostgreSQL's precision) the general way.
    /// </summary>
    internal static DateTimeOffset Instant(string? text) =>
        DateTimeOffset.TryParseExact(text, "O", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None,
            out var exact) ? exact
        : DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var instant) ? instant
        : DateTimeOffset.UnixEpoch;
}
