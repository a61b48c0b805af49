using Marten;
using Npgsql;

namespace SandboxRegistry.EventSourcing.Audit;

/// <summary>An RFC 6962 audit path of one event's leaf to the head of a published checkpoint.</summary>
/// <param name="Leaf">The leaf entry whose SHA-256(0x00 || UTF-8 bytes) is the leaf hash (see <see cref="ChainVerifier.LeafEntry"/>).</param>
public sealed record InclusionProof(string Service, Guid EventId, long LeafIndex, long TreeSize, string RootHash, long CheckpointSequence,
    string Leaf, IReadOnlyList<string> Proof);

/// <summary>An RFC 6962 consistency proof: the tree of <see cref="FirstSize"/> leaves is a prefix of that of <see cref="SecondSize"/>.</summary>
public sealed record ConsistencyProof(string Service, long FirstSize, string FirstRoot, long SecondSize, string SecondRoot,
    IReadOnlyList<string> Proof);

/// <summary>
/// One stored event with everything needed to recompute its seal hash and its leaf offline, and the RFC 6962 audit path of
/// that leaf to the head of the checkpoint of <see cref="TreeSize"/> leaves.
/// </summary>
/// <param name="Data">The event's data as stored (JSON).</param>
/// <param name="At">The sealing instant exactly as hashed (UTC, yyyy-MM-ddTHH:mm:ss.fffffffZ); null for an unsealed event.</param>
/// <param name="Scheme">The seal scheme (1 lines, 2 RFC 8785 object); 0 for an event without a seal, which no verifier accepts.</param>
public sealed record EventProof(string Service, Guid EventId, Guid StreamId, long Version, long Sequence, string Type,
    System.Text.Json.JsonElement Data, string? By, string? At, string PreviousHash, string Hash, int Scheme, long LeafIndex, long TreeSize,
    string RootHash, IReadOnlyList<string> Proof);

/// <summary>
/// Proofs against the tree heads of published checkpoints. The audit paths come from the tree the checkpointer stored
/// (<see cref="StoredTree"/>), the leaf of an event from its row as stored now: a changed, removed or inserted event gives
/// a proof that no longer leads to the published head, which is what an auditor checks. Each proof reads the cited
/// events and O(log² n) stored subtrees, never the whole history.
/// </summary>
public sealed class MerkleProofs(IDocumentStore store, ChainVerifier chains, NpgsqlDataSource dataSource, ServiceIdentity service)
{
    private string Schema => store.Options.Events.DatabaseSchemaName;

    /// <summary>The proof of <paramref name="eventId"/> against the checkpoint of <paramref name="treeSize"/> leaves (the latest when null).</summary>
    public async Task<InclusionProof?> InclusionAsync(Guid eventId, long? treeSize, CancellationToken ct)
    {
        var checkpoint = await CheckpointAsync(treeSize, ct);
        if (checkpoint is null) return null;
        var found = await LeavesAsync([eventId], checkpoint, ct);
        if (found.Count == 0) return null;
        var (row, index) = found[0];
        var path = (await PathsAsync([index], checkpoint, ct))[0];
        var leaf = ChainVerifier.LeafEntry(row.Sequence, row.StreamId, row.Version, row.Id, row.Seal?.Hash ?? ChainVerifier.Unsealed(row));
        return new InclusionProof(service.Name, eventId, index, checkpoint.TreeSize, checkpoint.RootHash!, checkpoint.Sequence,
            System.Text.Encoding.UTF8.GetString(leaf), Hex(path));
    }

    /// <summary>
    /// The events <paramref name="eventIds"/> with their data, seals and proofs against the checkpoint of <paramref name="treeSize"/>
    /// leaves; null when there is no such checkpoint. Events outside that tree are left out.
    /// </summary>
    public async Task<IReadOnlyList<EventProof>?> EventProofsAsync(IReadOnlyCollection<Guid> eventIds, long treeSize, CancellationToken ct)
    {
        var checkpoint = await CheckpointAsync(treeSize, ct);
        if (checkpoint is null) return null;
        var leaves = await LeavesAsync(eventIds, checkpoint, ct);
        if (leaves.Count == 0) return [];
        var paths = await PathsAsync(leaves.Select(l => l.Index).ToList(), checkpoint, ct);
        var proofs = new List<EventProof>();
        foreach (var ((row, index), path) in leaves.Zip(paths))
        {
            using var data = System.Text.Json.JsonDocument.Parse(row.Data);
            proofs.Add(new EventProof(service.Name, row.Id, row.StreamId, row.Version, row.Sequence, row.Type, data.RootElement.Clone(),
                row.UserName, row.Seal is { } seal ? AuditHash.Instant(seal.At) : null, row.Seal?.PreviousHash ?? AuditHash.Genesis,
                row.Seal?.Hash ?? ChainVerifier.Unsealed(row), row.Seal?.Scheme ?? 0, index, checkpoint.TreeSize, checkpoint.RootHash!,
                Hex(path)));
        }
        return proofs;
    }

    /// <summary>
    /// The proof that the tree of the smaller size is a prefix of the published head of the larger. Only the larger must be
    /// a stored checkpoint: the smaller tree's root and the proof follow from the stored subtrees (RFC 6962 section 2.1.2),
    /// and a witness checks both against the heads it holds itself, so a checkpoint that is gone (or never stored at that
    /// size) still gets its proof, and a changed history still fails it.
    /// </summary>
    public async Task<ConsistencyProof?> ConsistencyAsync(long firstSize, long secondSize, CancellationToken ct)
    {
        var (smaller, larger) = firstSize <= secondSize ? (firstSize, secondSize) : (secondSize, firstSize);
        if (smaller < 1) return null;
        var second = await CheckpointAsync(larger, ct);
        if (second is null) return null;
        var (firstRoot, proof) = await StoredTree.ComputeAsync(dataSource, Schema,
            nodes => (MerkleTree.RootHash(smaller, nodes), MerkleTree.ConsistencyProof(smaller, second.TreeSize, nodes)).ToTuple(), ct)
            ?? throw Incomplete(second);
        return new ConsistencyProof(service.Name, smaller, Convert.ToHexStringLower(firstRoot), second.TreeSize, second.RootHash!, Hex(proof));
    }

    /// <summary>The audit paths of these leaves, from one read of the stored subtrees they need together.</summary>
    private async Task<List<IReadOnlyList<byte[]>>> PathsAsync(IReadOnlyList<long> indexes, AuditCheckpoint checkpoint, CancellationToken ct) =>
        await StoredTree.ComputeAsync(dataSource, Schema,
            nodes => indexes.Select(index => MerkleTree.InclusionProof(index, checkpoint.TreeSize, nodes)).ToList(), ct)
        ?? throw Incomplete(checkpoint);

    private static DomainRuleViolation Incomplete(AuditCheckpoint checkpoint) =>
        new("audit-tree-incomplete",
            $"The store lacks part of the tree of {checkpoint.TreeSize} leaves its checkpoint at sequence {checkpoint.Sequence} covers: history was removed.");

    /// <summary>The events among <paramref name="eventIds"/> that are leaves of the checkpoint's tree, each with its leaf index, in leaf order.</summary>
    private async Task<IReadOnlyList<(StoredEvent Row, long Index)>> LeavesAsync(IReadOnlyCollection<Guid> eventIds, AuditCheckpoint checkpoint,
        CancellationToken ct)
    {
        var rows = new List<StoredEvent>();
        await foreach (var row in chains.ReadEventsAsync(eventIds, checkpoint.Sequence, ct))
            if (!row.Tombstone) rows.Add(row);
        if (rows.Count == 0) return [];
        var positions = await StoredTree.LeafPositionsAsync(dataSource, Schema, rows.Select(r => r.Sequence).ToList(), ct);
        // An event the stored tree holds no leaf for was inserted behind the checkpointer's back, or the tree is short.
        if (rows.Any(r => !positions.ContainsKey(r.Sequence))) throw Incomplete(checkpoint);
        return rows.Select(r => (r, positions[r.Sequence])).Where(l => l.Item2 < checkpoint.TreeSize).OrderBy(l => l.Item2).ToList();
    }

    private async Task<AuditCheckpoint?> CheckpointAsync(long? treeSize, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var withTree = session.Query<AuditCheckpoint>().Where(c => c.RootHash != null);
        return treeSize is { } size
            ? await withTree.Where(c => c.TreeSize == size).OrderBy(c => c.Sequence).FirstOrDefaultAsync(ct)
            : await withTree.OrderByDescending(c => c.Sequence).FirstOrDefaultAsync(ct);
    }

    private static IReadOnlyList<string> Hex(IEnumerable<byte[]> hashes) => hashes.Select(Convert.ToHexStringLower).ToList();
}
