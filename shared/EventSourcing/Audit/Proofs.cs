using Marten;

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
/// Proofs against the tree heads of published checkpoints, computed from the rows as stored now: a changed, removed or
/// inserted event gives a proof that no longer leads to the published head, which is what an auditor checks.
/// </summary>
public sealed class MerkleProofs(IDocumentStore store, ChainVerifier chains, ServiceIdentity service)
{
    /// <summary>The proof of <paramref name="eventId"/> against the checkpoint of <paramref name="treeSize"/> leaves (the latest when null).</summary>
    public async Task<InclusionProof?> InclusionAsync(Guid eventId, long? treeSize, CancellationToken ct)
    {
        var checkpoint = await CheckpointAsync(treeSize, ct);
        if (checkpoint is null) return null;
        var (leaves, rows) = await LeavesAsync(checkpoint.Sequence, ct);
        Complete(leaves, checkpoint);
        var index = rows.FindIndex(r => r.Id == eventId);
        if (index < 0 || index >= checkpoint.TreeSize) return null;
        var row = rows[index];
        var leaf = ChainVerifier.LeafEntry(row.Sequence, row.StreamId, row.Version, row.Id, row.Seal?.Hash ?? ChainVerifier.Unsealed(row));
        return new InclusionProof(service.Name, eventId, index, checkpoint.TreeSize, checkpoint.RootHash!, checkpoint.Sequence,
            System.Text.Encoding.UTF8.GetString(leaf), Hex(MerkleTree.InclusionProof(leaves, index, (int)checkpoint.TreeSize)));
    }

    /// <summary>
    /// The events <paramref name="eventIds"/> with their data, seals and proofs against the checkpoint of <paramref name="treeSize"/>
    /// leaves, in one read of the tree; null when there is no such checkpoint. Events outside that tree are left out.
    /// </summary>
    public async Task<IReadOnlyList<EventProof>?> EventProofsAsync(IReadOnlyCollection<Guid> eventIds, long treeSize, CancellationToken ct)
    {
        var checkpoint = await CheckpointAsync(treeSize, ct);
        if (checkpoint is null) return null;
        var (leaves, rows) = await LeavesAsync(checkpoint.Sequence, ct);
        Complete(leaves, checkpoint);
        var wanted = eventIds.ToHashSet();
        var proofs = new List<EventProof>();
        for (var index = 0; index < checkpoint.TreeSize; index++)
        {
            var row = rows[index];
            if (!wanted.Contains(row.Id)) continue;
            using var data = System.Text.Json.JsonDocument.Parse(row.Data);
            proofs.Add(new EventProof(service.Name, row.Id, row.StreamId, row.Version, row.Sequence, row.Type, data.RootElement.Clone(),
                row.UserName, row.Seal is { } seal ? AuditHash.Instant(seal.At) : null, row.Seal?.PreviousHash ?? AuditHash.Genesis,
                row.Seal?.Hash ?? ChainVerifier.Unsealed(row), row.Seal?.Scheme ?? 0, index, checkpoint.TreeSize, checkpoint.RootHash!,
                Hex(MerkleTree.InclusionProof(leaves, index, (int)checkpoint.TreeSize))));
        }
        return proofs;
    }

    /// <summary>
    /// The proof that the tree of the smaller size is a prefix of the published head of the larger. Only the larger must be
    /// a stored checkpoint: the smaller tree's root and the proof follow from the stored leaves (RFC 6962 section 2.1.2),
    /// and a witness checks both against the heads it holds itself, so a checkpoint that is gone (or never stored at that
    /// size) still gets its proof, and a changed history still fails it.
    /// </summary>
    public async Task<ConsistencyProof?> ConsistencyAsync(long firstSize, long secondSize, CancellationToken ct)
    {
        var (smaller, larger) = firstSize <= secondSize ? (firstSize, secondSize) : (secondSize, firstSize);
        if (smaller < 1) return null;
        var second = await CheckpointAsync(larger, ct);
        if (second is null) return null;
        var (leaves, _) = await LeavesAsync(second.Sequence, ct);
        Complete(leaves, second);
        var firstRoot = Convert.ToHexStringLower(MerkleTree.RootHash(leaves.GetRange(0, (int)smaller)));
        return new ConsistencyProof(service.Name, smaller, firstRoot, second.TreeSize, second.RootHash!,
            Hex(MerkleTree.ConsistencyProof(leaves, (int)smaller, (int)second.TreeSize)));
    }

    private static void Complete(List<byte[]> leaves, AuditCheckpoint checkpoint)
    {
        if (leaves.Count < checkpoint.TreeSize)
            throw new DomainRuleViolation("audit-tree-incomplete",
                $"The store holds {leaves.Count} of the {checkpoint.TreeSize} events its checkpoint at sequence {checkpoint.Sequence} covers: history was removed.");
    }

    private async Task<AuditCheckpoint?> CheckpointAsync(long? treeSize, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var withTree = session.Query<AuditCheckpoint>().Where(c => c.RootHash != null);
        return treeSize is { } size
            ? await withTree.Where(c => c.TreeSize == size).OrderBy(c => c.Sequence).FirstOrDefaultAsync(ct)
            : await withTree.OrderByDescending(c => c.Sequence).FirstOrDefaultAsync(ct);
    }

    private async Task<(List<byte[]> Leaves, List<StoredEvent> Rows)> LeavesAsync(long upToSequence, CancellationToken ct)
    {
        var leaves = new List<byte[]>();
        var rows = new List<StoredEvent>();
        await foreach (var row in chains.ReadAllAsync(upToSequence, ct))
        {
            if (row.Tombstone) continue;
            rows.Add(row);
            leaves.Add(ChainVerifier.LeafOf(row));
        }
        return (leaves, rows);
    }

    private static IReadOnlyList<string> Hex(IEnumerable<byte[]> hashes) => hashes.Select(Convert.ToHexStringLower).ToList();
}
