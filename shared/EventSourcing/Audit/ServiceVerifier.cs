using System.Net.Http.Json;
using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SandboxRegistry.EventSourcing.Audit;

public sealed record CheckpointMismatch(long Sequence, string Recorded, string Recomputed);

public sealed record WitnessReport(string Witness, string Status, int Compared, IReadOnlyList<CheckpointMismatch> Disagreements);

public sealed record BrokenEvent(long Sequence, Guid StreamId, long Version, Guid EventId, string Reason);

/// <summary>Where a verification started and why it covered what it did.</summary>
/// <param name="Mode">full (every event from the first) or incremental (only the events after the last verified checkpoint).</param>
/// <param name="FromSequence">The checkpoint sequence it continued from (0 for a full verification).</param>
/// <param name="FromTreeSize">That checkpoint's tree size.</param>
/// <param name="FromVerifiedAt">When that checkpoint was verified.</param>
/// <param name="Reason">Why a verification was full: requested, no earlier verification, or the last verified checkpoint no longer matching.</param>
public sealed record VerificationScope(string Mode, long FromSequence, long FromTreeSize, DateTimeOffset? FromVerifiedAt, string? Reason)
{
    public const string Full = "full";
    public const string Incremental = "incremental";
}

/// <param name="EventsChecked">Events the verdict covers, from the first (an incremental verification adds those it
/// recomputed to those verified before).</param>
/// <param name="EventsRecomputed">Events this verification read and recomputed.</param>
public sealed record ServiceVerification(
    string Service,
    bool Valid,
    long EventsChecked,
    long Tombstones,
    long VerifiedThroughSequence,
    string RunningHash,
    int CheckpointsCompared,
    BrokenEvent? FirstBrokenEvent,
    IReadOnlyList<CheckpointMismatch> CheckpointMismatches,
    IReadOnlyList<WitnessReport> Witnesses,
    VerificationScope? Scope = null,
    long EventsRecomputed = 0);

/// <summary>
/// The last checkpoint a verification found valid, with the running hash and the tree's frontier there: an incremental
/// verification continues from it. Replaced by each valid verification; it holds nothing that is not also a checkpoint.
/// </summary>
public sealed record AuditVerificationMark(string Id, long Sequence, long TreeSize, string RootHash, string RunningHash,
    IReadOnlyList<string> Frontier, long Events, long Tombstones, DateTimeOffset VerifiedAt)
{
    public const string Key = "last-verified";
}

/// <summary>
/// Recomputes the service's running hash and RFC 6962 tree from the stored rows, and compares them at every checkpoint
/// with what this service recorded and with what the other services witnessed. Incremental by default: from the last
/// checkpoint a verification found valid, so its cost follows the events appended since; <c>full</c> recomputes every
/// event from the first. Rows are read in batches while the previous batch is hashed, each batch's event hashes in
/// parallel (they are independent), then folded in order into the running hash and the tree.
/// </summary>
public sealed class ServiceVerifier(IDocumentStore store, ChainVerifier chains, ServiceIdentity service, IHttpClientFactory http,
    IOptions<AuditOptions> options, ILogger<ServiceVerifier> logger, TimeProvider? clock = null)
{
    public const string PeerClientPrefix = "audit-peer:";
    private const int Batch = 256;

    public async Task<ServiceVerification> VerifyAsync(bool full, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var mark = await session.LoadAsync<AuditVerificationMark>(AuditVerificationMark.Key, ct);
        string? reason = full ? "requested" : mark is null ? "no earlier verification" : null;
        // Checkpoints at and after the starting one: the starting one is compared with the state it is continued from.
        var recorded = await CheckpointsFromAsync(session, reason is null ? mark!.Sequence : 0, ct);
        if (reason is null && (!recorded.TryGetValue(mark!.Sequence, out var markCheckpoint) || markCheckpoint.Hash != mark.RunningHash ||
                               markCheckpoint.TreeSize != mark.TreeSize || markCheckpoint.RootHash != mark.RootHash))
        {
            reason = $"the checkpoint at sequence {mark.Sequence} verified last no longer matches what was verified";
            recorded = await CheckpointsFromAsync(session, 0, ct);
        }
        var start = reason is null ? mark : null;
        var from = start?.Sequence ?? 0;
        var witnessed = new List<(string Witness, IReadOnlyList<WitnessedCheckpoint>? Checkpoints)>();
        foreach (var peer in options.Value.Peers.Keys.Where(p => p != service.Name).Order())
            witnessed.Add((peer, await FetchWitnessedAsync(peer, start is null ? null : from - 1, ct)));

        var sequences = recorded.Keys.Concat(witnessed.SelectMany(w => w.Checkpoints ?? []).Select(c => c.Sequence)).ToHashSet();
        var upTo = sequences.Count == 0 ? long.MaxValue : sequences.Max();

        // Rows up to a scheme 1 checkpoint were folded with tombstones; a mark is only ever set after them.
        var legacyThrough = start?.Sequence ??
                            recorded.Values.Where(c => c.Scheme < AuditCheckpoint.CurrentScheme).Select(c => c.Sequence).DefaultIfEmpty(0).Max();
        var running = start?.RunningHash ?? AuditHash.Genesis;
        var recomputed = new Dictionary<long, string>();
        var tree = start is null ? new MerkleFrontier() : MerkleFrontier.FromHex(start.TreeSize, start.Frontier);
        var heads = new Dictionary<long, string>();
        // The latest of this service's checkpoints: a valid verification continues from there next time.
        var markAt = recorded.Count == 0 ? (long?)null : recorded.Keys.Max();
        AuditVerificationMark? nextMark = null;
        // Checkpoint sequences in order, each given the running hash as of its position (also one with no event of its own).
        var pending = sequences.Order().ToArray();
        var next = 0;
        long checkedEvents = start?.Events ?? 0, tombstones = start?.Tombstones ?? 0, recomputedEvents = 0;
        var lastSequence = from;
        BrokenEvent? firstBroken = null;
        await foreach (var (rows, hashes) in HashedBatchesAsync(from, upTo, ct))
        {
            for (var i = 0; i < rows.Length; i++)
            {
                var row = rows[i];
                while (next < pending.Length && pending[next] < row.Sequence) Reached(pending[next++]);
                lastSequence = row.Sequence;
                if (row.Tombstone)
                {
                    tombstones++;
                    if (!AuditCheckpoint.SkipsTombstones(row.Sequence, legacyThrough)) running = AuditHash.Running(running, ChainVerifier.Unsealed(row));
                    continue;
                }
                tree.Append(hashes[i].Leaf);
                var eventHash = hashes[i].Event;
                if (row.Seal is null)
                    firstBroken ??= new BrokenEvent(row.Sequence, row.StreamId, row.Version, row.Id, "The event has no seal.");
                else if (eventHash != row.Seal.Hash)
                    firstBroken ??= new BrokenEvent(row.Sequence, row.StreamId, row.Version, row.Id,
                        "The event's type, data or author differ from what was sealed.");
                else if (row.Seal.StreamId != row.StreamId || row.Seal.Version != row.Version)
                    firstBroken ??= new BrokenEvent(row.Sequence, row.StreamId, row.Version, row.Id,
                        "The event was moved from the stream position it was sealed at.");
                running = AuditHash.Running(running, eventHash);
                checkedEvents++;
                recomputedEvents++;
            }
        }
        while (next < pending.Length) Reached(pending[next++]);

        // A checkpoint disagrees when its running hash or its tree head differs from the one recomputed at its sequence.
        var mismatches = recorded.Values.Where(c => recomputed[c.Sequence] != c.Hash)
            .Select(c => new CheckpointMismatch(c.Sequence, c.Hash, recomputed[c.Sequence]))
            .Concat(recorded.Values.Where(c => c.RootHash is not null && heads[c.Sequence] != $"{c.TreeSize}:{c.RootHash}")
                .Select(c => new CheckpointMismatch(c.Sequence, $"{c.TreeSize}:{c.RootHash}", heads[c.Sequence])))
            .ToList();
        var witnesses = witnessed.Select(w => w.Checkpoints is null
                ? new WitnessReport(w.Witness, "unreachable", 0, [])
                : Compare(w.Witness, w.Checkpoints, recomputed))
            .ToList();

        void Reached(long sequence)
        {
            recomputed[sequence] = running;
            heads[sequence] = $"{tree.Size}:{Convert.ToHexStringLower(tree.Root())}";
            if (sequence == markAt && recorded[sequence].RootHash is { } root)
                nextMark = new AuditVerificationMark(AuditVerificationMark.Key, sequence, tree.Size, root, running, tree.ToHex(), checkedEvents,
                    tombstones, (clock ?? TimeProvider.System).GetUtcNow());
        }

        var valid = firstBroken is null && mismatches.Count == 0 && witnesses.All(w => w.Status != "disagrees");
        if (valid && nextMark is not null && nextMark.Sequence != start?.Sequence) await SaveMarkAsync(nextMark, ct);
        var scope = start is null
            ? new VerificationScope(VerificationScope.Full, 0, 0, null, reason)
            : new VerificationScope(VerificationScope.Incremental, start.Sequence, start.TreeSize, start.VerifiedAt, null);
        return new ServiceVerification(service.Name, valid, checkedEvents, tombstones, lastSequence, running, recorded.Count, firstBroken,
            mismatches, witnesses, scope, recomputedEvents);
    }

    private static async Task<Dictionary<long, AuditCheckpoint>> CheckpointsFromAsync(IQuerySession session, long from, CancellationToken ct) =>
        (await session.Query<AuditCheckpoint>().Where(c => c.Id >= from).OrderBy(c => c.Id).ToListAsync(ct)).ToDictionary(c => c.Sequence);

    private async Task SaveMarkAsync(AuditVerificationMark mark, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(mark);
        await session.CommitAsync(ct);
    }

    /// <summary>
    /// The rows after <paramref name="after"/> up to <paramref name="upTo"/> in batches, each with every event's recomputed
    /// hash and its leaf, as a pipeline of three stages running at once: the next batches are read from PostgreSQL while
    /// one is hashed on every core and the caller folds the one before into the running hash and the tree.
    /// </summary>
    private async IAsyncEnumerable<(StoredEvent[] Rows, (string Event, byte[] Leaf)[] Hashes)> HashedBatchesAsync(long after, long upTo,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var read = System.Threading.Channels.Channel.CreateBounded<StoredEvent[]>(2);
        var hashed = System.Threading.Channels.Channel.CreateBounded<(StoredEvent[], (string, byte[])[])>(1);
        var reader = Task.Run(async () =>
        {
            try
            {
                var buffer = new List<StoredEvent>(Batch);
                await foreach (var row in chains.ReadRangeAsync(after, upTo, stop.Token))
                {
                    buffer.Add(row);
                    if (buffer.Count < Batch) continue;
                    await read.Writer.WriteAsync([.. buffer], stop.Token);
                    buffer.Clear();
                }
                if (buffer.Count > 0) await read.Writer.WriteAsync([.. buffer], stop.Token);
                read.Writer.Complete();
            }
            catch (Exception e)
            {
                read.Writer.Complete(e);
            }
        }, stop.Token);
        var hasher = Task.Run(async () =>
        {
            try
            {
                await foreach (var rows in read.Reader.ReadAllAsync(stop.Token))
                {
                    var hashes = new (string Event, byte[] Leaf)[rows.Length];
                    Parallel.For(0, rows.Length, new ParallelOptions { CancellationToken = stop.Token }, i =>
                    {
                        var row = rows[i];
                        if (row.Tombstone) return;
                        hashes[i] = (row.Seal is null ? ChainVerifier.Unsealed(row) : ChainVerifier.Recompute(row, row.Seal), ChainVerifier.LeafOf(row));
                    });
                    await hashed.Writer.WriteAsync((rows, hashes), stop.Token);
                }
                hashed.Writer.Complete();
            }
            catch (Exception e)
            {
                hashed.Writer.Complete(e);
            }
        }, stop.Token);
        try
        {
            await foreach (var batch in hashed.Reader.ReadAllAsync(ct)) yield return batch;
        }
        finally
        {
            // A caller that stops early (or fails) releases the stages blocked on a full channel.
            await stop.CancelAsync();
            await Task.WhenAll(reader, hasher).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    private static WitnessReport Compare(string witness, IReadOnlyList<WitnessedCheckpoint> checkpoints,
        IReadOnlyDictionary<long, string> recomputed)
    {
        var disagreements = checkpoints.Where(c => recomputed[c.Sequence] != c.Hash)
            .Select(c => new CheckpointMismatch(c.Sequence, c.Hash, recomputed[c.Sequence])).ToList();
        return new WitnessReport(witness, disagreements.Count == 0 ? "agrees" : "disagrees", checkpoints.Count, disagreements);
    }

    /// <param name="after">Only checkpoints after this sequence (all when null).</param>
    private async Task<IReadOnlyList<WitnessedCheckpoint>?> FetchWitnessedAsync(string peer, long? after, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var client = http.CreateClient(PeerClientPrefix + peer);
            // The list is paged like every list; read it to its end.
            var all = new List<WitnessedCheckpoint>();
            for (var page = 1; ; page++)
            {
                var next = await client.GetFromJsonAsync<WitnessedPage>(
                    $"api/v1/audit/witnessed?service={Uri.EscapeDataString(service.Name)}{(after is null ? "" : $"&after={after}")}&page={page}&pageSize={WitnessedPage.Size}",
                    timeout.Token) ?? throw new InvalidOperationException("An empty answer.");
                all.AddRange(next.Items);
                if (next.Items.Count < WitnessedPage.Size || all.Count >= next.Total) return all;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException
                                      or InvalidOperationException)
        {
            logger.LogWarning("Witness {Peer} could not be read: {Error}", peer, e.Message);
            return null;
        }
    }
}

/// <summary>A page of a peer's witnessed list, as every list answers.</summary>
internal sealed record WitnessedPage(IReadOnlyList<WitnessedCheckpoint> Items, long Total)
{
    public const int Size = 100;
}
