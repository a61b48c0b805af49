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
    public static byte[] RootHash(IReadOnlyList<byte[]> leaves) => RootHash(leaves.Count, Over(leaves));

    /// <summary>MTH(D[n]) of the first <paramref name="size"/> leaves, from the roots of perfect subtrees.</summary>
    public static byte[] RootHash(long size, PerfectSubtrees nodes) => size == 0 ? SHA256.HashData([]) : Root(nodes, 0, size);

    /// <summary>
    /// MTH(D[from:from+count]). Every range RFC 6962's algorithms ask for starts at a multiple of the next power of two
    /// at or above its length, so it splits into perfect subtrees: one for each bit of its length, largest first.
    /// </summary>
    private static byte[] Root(PerfectSubtrees nodes, long from, long count)
    {
        if ((count & (count - 1)) == 0)
        {
            var level = System.Numerics.BitOperations.Log2((ulong)count);
            return nodes(level, from >> level);
        }
        var k = LargestPowerOfTwoBelow(count);
        return NodeHash(Root(nodes, from, k), Root(nodes, from + k, count - k));
    }

    /// <summary>PATH(m, D[n]): the inclusion proof of leaf <paramref name="index"/> in the tree of the first <paramref name="size"/> leaves.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IReadOnlyList<byte[]> leaves, int index, int size)
    {
        if (size > leaves.Count) throw new ArgumentOutOfRangeException(nameof(size));
        return InclusionProof(index, size, Over(leaves));
    }

    /// <inheritdoc cref="InclusionProof(IReadOnlyList{byte[]}, int, int)"/>
    public static IReadOnlyList<byte[]> InclusionProof(long index, long size, PerfectSubtrees nodes)
    {
        if (index < 0 || index >= size) throw new ArgumentOutOfRangeException(nameof(index));
        var path = new List<byte[]>();
        Path(nodes, index, 0, size, path);
        return path;
    }

    private static void Path(PerfectSubtrees nodes, long m, long from, long n, List<byte[]> path)
    {
        if (n == 1) return;
        var k = LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            Path(nodes, m, from, k, path);
            path.Add(Root(nodes, from + k, n - k));
        }
        else
        {
            Path(nodes, m - k, from + k, n - k, path);
            path.Add(Root(nodes, from, k));
        }
    }

    /// <summary>PROOF(m, D[n]): the consistency proof between the trees of the first <paramref name="m"/> and <paramref name="n"/> leaves.</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leaves, int m, int n)
    {
        if (n > leaves.Count) throw new ArgumentOutOfRangeException(nameof(n));
        return ConsistencyProof(m, n, Over(leaves));
    }

    /// <inheritdoc cref="ConsistencyProof(IReadOnlyList{byte[]}, int, int)"/>
    public static IReadOnlyList<byte[]> ConsistencyProof(long m, long n, PerfectSubtrees nodes)
    {
        if (m < 0 || m > n) throw new ArgumentOutOfRangeException(nameof(m));
        var proof = new List<byte[]>();
        if (m == 0 || m == n) return proof;
        SubProof(nodes, m, 0, n, true, proof);
        return proof;
    }

    private static void SubProof(PerfectSubtrees nodes, long m, long from, long n, bool complete, List<byte[]> proof)
    {
        if (m == n)
        {
            if (!complete) proof.Add(Root(nodes, from, n));
            return;
        }
        var k = LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            SubProof(nodes, m, from, k, complete, proof);
            proof.Add(Root(nodes, from + k, n - k));
        }
        else
        {
            SubProof(nodes, m - k, from + k, n - k, false, proof);
            proof.Add(Root(nodes, from, k));
        }
    }

    /// <summary>
    /// The perfect subtrees (level, index) that <paramref name="compute"/> reads: run it once with this, fetch exactly
    /// those, run it again over them.
    /// </summary>
    public static IReadOnlySet<(int Level, long Index)> NodesRead(Action<PerfectSubtrees> compute)
    {
        var read = new HashSet<(int, long)>();
        var placeholder = new byte[32];
        compute((level, index) =>
        {
            read.Add((level, index));
            return placeholder;
        });
        return read;
    }

    /// <summary>Perfect subtrees computed from the leaves themselves (2^level - 1 inner hashes each).</summary>
    private static PerfectSubtrees Over(IReadOnlyList<byte[]> leaves)
    {
        byte[] Perfect(int level, long index) => level == 0
            ? leaves[checked((int)index)]
            : NodeHash(Perfect(level - 1, 2 * index), Perfect(level - 1, 2 * index + 1));
        return Perfect;
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

    private static long LargestPowerOfTwoBelow(long n)
    {
        var k = 1L;
        while (k << 1 < n) k <<= 1;
        return k;
    }
}

/// <summary>
/// The root of the perfect subtree of 2^<paramref name="level"/> leaves that starts at leaf <paramref name="index"/> * 2^level
/// (level 0: the leaf hash itself).
/// </summary>
public delegate byte[] PerfectSubtrees(int level, long index);

/// <summary>The root of one perfect subtree (see <see cref="PerfectSubtrees"/>).</summary>
public readonly record struct MerkleNode(int Level, long Index, byte[] Hash);

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

    /// <param name="completed">When given, receives the leaf and every perfect subtree the leaf completes, smallest first.</param>
    public void Append(byte[] leafHash, ICollection<MerkleNode>? completed = null)
    {
        _roots.Add(leafHash);
        Size++;
        completed?.Add(new MerkleNode(0, Size - 1, leafHash));
        // Each trailing one bit of the old size is a perfect subtree that the new leaf completes.
        var level = 0;
        for (var size = Size; (size & 1) == 0; size >>= 1)
        {
            var right = _roots[^1];
            var left = _roots[^2];
            _roots.RemoveRange(_roots.Count - 2, 2);
            _roots.Add(MerkleTree.NodeHash(left, right));
            level++;
            completed?.Add(new MerkleNode(level, (Size >> level) - 1, _roots[^1]));
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
