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

        var running = AuditHash.Genesis;
        var recomputed = new Dictionary<long, string>();
        long checkedEvents = 0, lastSequence = 0;
        BrokenEvent? firstBroken = null;
        await foreach (var row in chains.ReadAllAsync(upTo, ct))
        {
            // A checkpoint sequence with no event of its own (deleted) still gets the hash as of that point.
            foreach (var s in sequences.Where(s => s > lastSequence && s < row.Sequence)) recomputed[s] = running;
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
            lastSequence = row.Sequence;
            if (sequences.Contains(row.Sequence)) recomputed[row.Sequence] = running;
        }
        foreach (var s in sequences.Where(s => !recomputed.ContainsKey(s))) recomputed[s] = running;

        var mismatches = recorded.Values.Where(c => recomputed[c.Sequence] != c.Hash)
            .Select(c => new CheckpointMismatch(c.Sequence, c.Hash, recomputed[c.Sequence])).ToList();
        var witnesses = witnessed.Select(w => w.Checkpoints is null
                ? new WitnessReport(w.Witness, "unreachable", 0, [])
                : Compare(w.Witness, w.Checkpoints, recomputed))
            .ToList();

        var valid = firstBroken is null && mismatches.Count == 0 && witnesses.All(w => w.Status != "disagrees");
        return new ServiceVerification(service.Name, valid, checkedEvents, lastSequence, running, recorded.Count, firstBroken,
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
            return await client.GetFromJsonAsync<List<WitnessedCheckpoint>>(
                $"api/v1/audit/witnessed?service={Uri.EscapeDataString(service.Name)}", timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException
                                      or InvalidOperationException)
        {
            logger.LogWarning("Witness {Peer} could not be read: {Error}", peer, e.Message);
            return null;
        }
    }
}
