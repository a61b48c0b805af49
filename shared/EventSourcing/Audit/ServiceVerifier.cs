using System.Net.Http.Json;
using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SandboxRegistry.EventSourcing.Audit;

public sealed record CheckpointMismatch(long Sequence, string Recorded, string Recomputed);

public sealed record WitnessReport(string Witness, string Status, int Compared, IReadOnlyList<CheckpointMismatch> Disagreements);

public sealed record BrokenEvent(long Sequence, Guid StreamId, long Version, Guid EventId, string Reason);

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
    IReadOnlyList<WitnessReport> Witnesses);

/// <summary>
/// Recomputes the service's running hash over its whole global sequence from the stored rows, and compares it at
/// every checkpoint with what this service recorded and with what the other services witnessed.
/// </summary>
public sealed class ServiceVerifier(IDocumentStore store, ChainVerifier chains, ServiceIdentity service, IHttpClientFactory http,
    IOptions<AuditOptions> options, ILogger<ServiceVerifier> logger)
{
    public const string PeerClientPrefix = "audit-peer:";

    public async Task<ServiceVerification> VerifyAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var recorded = (await session.Query<AuditCheckpoint>().OrderBy(c => c.Sequence).ToListAsync(ct)).ToDictionary(c => c.Sequence);
        var witnessed = new List<(string Witness, IReadOnlyList<WitnessedCheckpoint>? Checkpoints)>();
        foreach (var peer in options.Value.Peers.Keys.Where(p => p != service.Name).Order())
            witnessed.Add((peer, await FetchWitnessedAsync(peer, ct)));

        var sequences = recorded.Keys.Concat(witnessed.SelectMany(w => w.Checkpoints ?? []).Select(c => c.Sequence)).ToHashSet();
        var upTo = sequences.Count == 0 ? long.MaxValue : sequences.Max();

        var legacyThrough = recorded.Values.Where(c => c.Scheme < AuditCheckpoint.CurrentScheme).Select(c => c.Sequence).DefaultIfEmpty(0).Max();
        var running = AuditHash.Genesis;
        var recomputed = new Dictionary<long, string>();
        var tree = new MerkleFrontier();
        var heads = new Dictionary<long, string>();
        // Checkpoint sequences in order, each given the running hash as of its position (also one with no event of its own).
        var pending = sequences.Order().ToArray();
        var next = 0;
        long checkedEvents = 0, tombstones = 0, lastSequence = 0;
        BrokenEvent? firstBroken = null;
        await foreach (var row in chains.ReadAllAsync(upTo, ct))
        {
            while (next < pending.Length && pending[next] < row.Sequence) Reached(pending[next++]);
            lastSequence = row.Sequence;
            if (row.Tombstone)
            {
                tombstones++;
                if (!AuditCheckpoint.SkipsTombstones(row.Sequence, legacyThrough)) running = AuditHash.Running(running, ChainVerifier.Unsealed(row));
                continue;
            }
            tree.Append(ChainVerifier.LeafOf(row));
            string eventHash;
            if (row.Seal is null)
            {
                firstBroken ??= new BrokenEvent(row.Sequence, row.StreamId, row.Version, row.Id, "The event has no seal.");
                eventHash = ChainVerifier.Unsealed(row);
            }
            else
            {
                eventHash = ChainVerifier.Recompute(row, row.Seal);
                if (eventHash != row.Seal.Hash)
                    firstBroken ??= new BrokenEvent(row.Sequence, row.StreamId, row.Version, row.Id,
                        "The event's type, data or author differ from what was sealed.");
                else if (row.Seal.StreamId != row.StreamId || row.Seal.Version != row.Version)
                    firstBroken ??= new BrokenEvent(row.Sequence, row.StreamId, row.Version, row.Id,
                        "The event was moved from the stream position it was sealed at.");
            }
            running = AuditHash.Running(running, eventHash);
            checkedEvents++;
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
        }

        var valid = firstBroken is null && mismatches.Count == 0 && witnesses.All(w => w.Status != "disagrees");
        return new ServiceVerification(service.Name, valid, checkedEvents, tombstones, lastSequence, running, recorded.Count, firstBroken,
            mismatches, witnesses);
    }

    private static WitnessReport Compare(string witness, IReadOnlyList<WitnessedCheckpoint> checkpoints,
        IReadOnlyDictionary<long, string> recomputed)
    {
        var disagreements = checkpoints.Where(c => recomputed[c.Sequence] != c.Hash)
            .Select(c => new CheckpointMismatch(c.Sequence, c.Hash, recomputed[c.Sequence])).ToList();
        return new WitnessReport(witness, disagreements.Count == 0 ? "agrees" : "disagrees", checkpoints.Count, disagreements);
    }

    private async Task<IReadOnlyList<WitnessedCheckpoint>?> FetchWitnessedAsync(string peer, CancellationToken ct)
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
                    $"api/v1/audit/witnessed?service={Uri.EscapeDataString(service.Name)}&page={page}&pageSize={WitnessedPage.Size}",
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
