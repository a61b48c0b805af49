using System.Security.Cryptography;

namespace SandboxRegistry.EventSourcing.Audit;

/// <summary>
/// The Merkle tree of RFC 6962 section 2.1 (RFC 9162 section 2.1) over a list of leaf hashes: a leaf is
/// SHA-256(0x00 || entry), an inner node SHA-256(0x01 || left || right), the empty tree SHA-256 of nothing. Inclusion
/// and consistency proofs are the audit paths of sections 2.1.1 and 2.1.2; their checks those of RFC 9162 2.1.3.2 and 2.1.4.2.
/// </summary>
public static class MerkleTree
{
    public static byte[] LeafHash(ReadOnlySpan<byte> entry)
    {
        Span<byte> buffer = entry.Length < 512 ? stackalloc byte[entry.Length + 1] : new byte[entry.Length + 1];
        buffer[0] = 0;
        entry.CopyTo(buffer[1..]);
        return SHA256.HashData(buffer);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[65];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[33..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>MTH(D[n]) over the leaf hashes.</summary>
    public static byte[] RootHash(IReadOnlyList<byte[]> leaves) => leaves.Count == 0 ? SHA256.HashData([]) : Root(leaves, 0, leaves.Count);

    private static byte[] Root(IReadOnlyList<byte[]> leaves, int from, int count)
    {
        if (count == 1) return leaves[from];
        var k = LargestPowerOfTwoBelow(count);
        return NodeHash(Root(leaves, from, k), Root(leaves, from + k, count - k));
    }

    /// <summary>PATH(m, D[n]): the inclusion proof of leaf <paramref name="index"/> in the tree of the first <paramref name="size"/> leaves.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IReadOnlyList<byte[]> leaves, int index, int size)
    {
        if (index < 0 || index >= size || size > leaves.Count) throw new ArgumentOutOfRangeException(nameof(index));
        var path = new List<byte[]>();
        Path(leaves, index, 0, size, path);
        return path;
    }

    private static void Path(IReadOnlyList<byte[]> leaves, int m, int from, int n, List<byte[]> path)
    {
        if (n == 1) return;
        var k = LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            Path(leaves, m, from, k, path);
            path.Add(Root(leaves, from + k, n - k));
        }
        else
        {
            Path(leaves, m - k, from + k, n - k, path);
            path.Add(Root(leaves, from, k));
        }
    }

    /// <summary>PROOF(m, D[n]): the consistency proof between the trees of the first <paramref name="m"/> and <paramref name="n"/> leaves.</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leaves, int m, int n)
    {
        if (m < 0 || m > n || n > leaves.Count) throw new ArgumentOutOfRangeException(nameof(m));
        var proof = new List<byte[]>();
        if (m == 0 || m == n) return proof;
        SubProof(leaves, m, 0, n, true, proof);
        return proof;
    }

    private static void SubProof(IReadOnlyList<byte[]> leaves, int m, int from, int n, bool complete, List<byte[]> proof)
    {
        if (m == n)
        {
            if (!complete) proof.Add(Root(leaves, from, n));
            return;
        }
        var k = LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            SubProof(leaves, m, from, k, complete, proof);
            proof.Add(Root(leaves, from + k, n - k));
        }
        else
        {
            SubProof(leaves, m - k, from + k, n - k, false, proof);
            proof.Add(Root(leaves, from, k));
        }
    }

    /// <summary>RFC 9162 section 2.1.3.2.</summary>
    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (index >= size) return false;
        long fn = index, sn = size - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                if ((fn & 1) == 0)
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            }
            else r = NodeHash(r, p);
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>RFC 9162 section 2.1.4.2.</summary>
    public static bool VerifyConsistency(long firstSize, long secondSize, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot,
        IReadOnlyList<byte[]> proof)
    {
        if (firstSize > secondSize) return false;
        if (firstSize == secondSize) return proof.Count == 0 && firstRoot.SequenceEqual(secondRoot);
        if (firstSize == 0) return proof.Count == 0;
        if (proof.Count == 0) return false;
        var path = proof.ToList();
        if ((firstSize & (firstSize - 1)) == 0) path.Insert(0, firstRoot.ToArray());
        long fn = firstSize - 1, sn = secondSize - 1;
        while ((fn & 1) == 1) { fn >>= 1; sn >>= 1; }
        byte[] fr = path[0], sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                if ((fn & 1) == 0)
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            }
            else sr = NodeHash(sr, c);
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && fr.AsSpan().SequenceEqual(firstRoot) && sr.AsSpan().SequenceEqual(secondRoot);
    }

    private static int LargestPowerOfTwoBelow(int n)
    {
        var k = 1;
        while (k << 1 < n) k <<= 1;
        return k;
    }
}

/// <summary>
/// The right edge of an RFC 6962 tree: the roots of its perfect subtrees, largest first (one per bit set in the size).
/// Enough to append leaves and compute the new head without reading the old leaves again.
/// </summary>
public sealed class MerkleFrontier
{
    private readonly List<byte[]> _roots = [];

    public long Size { get; private set; }

    public static MerkleFrontier FromHex(long size, IEnumerable<string> roots)
    {
        var frontier = new MerkleFrontier { Size = size };
        frontier._roots.AddRange(roots.Select(Convert.FromHexString));
        if (frontier._roots.Count != long.PopCount(size)) throw new ArgumentException("A frontier has one root per bit of its size.");
        return frontier;
    }

    public void Append(byte[] leafHash)
    {
        _roots.Add(leafHash);
        Size++;
        // Each trailing one bit of the old size is a perfect subtree that the new leaf completes.
        for (var size = Size; (size & 1) == 0; size >>= 1)
        {
            var right = _roots[^1];
            var left = _roots[^2];
            _roots.RemoveRange(_roots.Count - 2, 2);
            _roots.Add(MerkleTree.NodeHash(left, right));
        }
    }

    public byte[] Root()
    {
        if (_roots.Count == 0) return System.Security.Cryptography.SHA256.HashData([]);
        var root = _roots[^1];
        for (var i = _roots.Count - 2; i >= 0; i--) root = MerkleTree.NodeHash(_roots[i], root);
        return root;
    }

    public IReadOnlyList<string> ToHex() => _roots.Select(Convert.ToHexStringLower).ToList();
}
