using System.Text;
using SandboxRegistry.EventSourcing.Audit;

namespace SandboxRegistry.Shared.Tests;

/// <summary>The audit trail's open formats against the test vectors their RFCs and reference implementations publish.</summary>
public class OpenFormatTests
{
    [Fact]
    public void Jcs_gives_the_canonical_form_of_rfc_8785_section_3_2_3() =>
        Assert.Equal("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
            Jcs.Canonicalize("""
                             {
                               "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                               "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
                               "literals": [null, true, false]
                             }
                             """));

    [Fact]
    public void Jcs_sorts_members_by_utf16_code_units_as_rfc_8785_section_3_2_3_shows() =>
        Assert.Equal("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
            Jcs.Canonicalize("""
                             {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One",
                              "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}
                             """));

    [Theory] // RFC 8785 appendix B
    [InlineData(0x0000000000000000UL, "0")]
    [InlineData(0x8000000000000000UL, "0")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x8000000000000001UL, "-5e-324")]
    [InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [InlineData(0x4340000000000000UL, "9007199254740992")]
    [InlineData(0x4430000000000000UL, "295147905179352830000")]
    [InlineData(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [InlineData(0x44b52d02c7e14af6UL, "1e+23")]
    [InlineData(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [InlineData(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [InlineData(0x41b3de4355555553UL, "333333333.3333332")]
    [InlineData(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [InlineData(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [InlineData(0x41b3de4355555554UL, "333333333.33333325")]
    [InlineData(0xc340000000000000UL, "-9007199254740992")]
    [InlineData(0x444b1ae4d6e2ef50UL, "1e+21")]
    public void Jcs_writes_numbers_as_ecmascript_does(ulong bits, string expected) =>
        Assert.Equal(expected, Jcs.Number(BitConverter.UInt64BitsToDouble(bits)));

    [Fact]
    public void Jcs_writes_integers_and_decimals_of_event_data_unchanged_in_value() =>
        Assert.Equal("""{"a":150000,"b":1000.5,"c":-12,"d":0,"e":1234567890123456800}""",
            Jcs.Canonicalize("""{"e":1234567890123456789,"d":-0,"c":-12,"b":1000.50,"a":150000}"""));

    /// <summary>
    /// Short decimals are written as stored (without a round trip through a double): for any decimal spelling, generated
    /// with digits and a point anywhere (leading and trailing zeros, up to 20 digits, tiny and large), the canonical form
    /// is exactly what ECMAScript writes for the nearest double.
    /// </summary>
    [Fact]
    public void Jcs_writes_any_decimal_as_ecmascript_writes_its_double()
    {
        var random = new Random(8785);
        var spellings = new List<string> { "0.1", "0.000001", "0.0000001", "0.0000012", "1.50", "-0.0", "-0.5", "123456789012345.5",
            "12345678901234.5", "0.123456789012345", "0.1234567890123456", "999999999999999.9", "1.000000000000001", "5e-7", "1.5E3" };
        for (var i = 0; i < 100_000; i++)
        {
            var digits = string.Concat(Enumerable.Range(0, random.Next(1, 21)).Select(_ => (char)('0' + random.Next(10))));
            var point = random.Next(0, digits.Length + 1);
            var integer = point == 0 ? "0" : digits[..point].TrimStart('0') is { Length: > 0 } trimmed ? trimmed : "0";
            var fraction = digits[point..];
            spellings.Add((random.Next(4) == 0 ? "-" : "") + integer + (fraction.Length > 0 ? "." + fraction : ""));
        }
        foreach (var number in spellings)
        {
            var value = double.Parse(number, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal($$"""{"n":{{Jcs.Number(value)}}}""", Jcs.Canonicalize($$"""{"n":{{number}}}"""));
        }
    }

    [Fact]
    public void A_seals_instant_is_read_back_as_the_instant_that_was_serialized_whatever_its_precision_and_offset()
    {
        var random = new Random(33);
        var instants = new List<DateTimeOffset> { DateTimeOffset.UnixEpoch, new(2026, 12, 3, 23, 59, 59, TimeSpan.FromHours(3)),
            new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero).AddTicks(1), DateTimeOffset.MaxValue, DateTimeOffset.MinValue };
        for (var i = 0; i < 20_000; i++)
        {
            var ticks = random.NextInt64(new DateTime(2000, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks);
            // Whole seconds, PostgreSQL's microseconds or .NET's 100 ns; UTC or any offset of whole minutes.
            ticks -= ticks % (random.Next(3) switch { 0 => TimeSpan.TicksPerSecond, 1 => 10, _ => 1 });
            instants.Add(new DateTimeOffset(ticks, random.Next(3) == 0 ? TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1)) : TimeSpan.Zero));
        }
        foreach (var instant in instants)
        {
            // As Marten's System.Text.Json serializer stores it in the seal (fraction digits trimmed), read back.
            var stored = System.Text.Json.JsonSerializer.Serialize(instant).Trim('"');
            var read = ChainVerifier.Instant(stored);
            Assert.Equal((instant.UtcTicks, instant.Offset), (read.UtcTicks, read.Offset));
        }
        Assert.Equal(DateTimeOffset.UnixEpoch, ChainVerifier.Instant("not an instant"));
        Assert.Equal(DateTimeOffset.UnixEpoch, ChainVerifier.Instant(null));
    }

    private static readonly byte[][] CtLeaves =
        [[], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43], [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f]];

    private static readonly string[] CtRoots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static List<byte[]> Leaves => CtLeaves.Select(l => MerkleTree.LeafHash(l)).ToList();

    private static string[] Hex(IEnumerable<byte[]> hashes) => hashes.Select(Convert.ToHexStringLower).ToArray();

    [Fact]
    public void Merkle_tree_heads_are_those_of_the_rfc_6962_reference_vectors()
    {
        var leaves = Leaves;
        Assert.Equal(CtRoots, Enumerable.Range(0, 9).Select(n => Convert.ToHexStringLower(MerkleTree.RootHash(leaves[..n]))));

        var frontier = new MerkleFrontier();
        var incremental = new List<string> { Convert.ToHexStringLower(frontier.Root()) };
        foreach (var leaf in leaves)
        {
            frontier.Append(leaf);
            incremental.Add(Convert.ToHexStringLower(frontier.Root()));
        }
        Assert.Equal(CtRoots, incremental);
        Assert.Equal(CtRoots[8], Convert.ToHexStringLower(MerkleFrontier.FromHex(frontier.Size, frontier.ToHex()).Root()));
    }

    /// <summary>
    /// What the checkpointer stores (each perfect subtree as the frontier completes it) is enough for every proof over
    /// every prefix: the same heads and proofs as over the leaves, reading only subtrees inside the tree asked about and
    /// O(log² n) of them.
    /// </summary>
    [Fact]
    public void Proofs_from_the_stored_perfect_subtrees_equal_those_from_the_leaves_for_every_size_and_read_few_of_them()
    {
        var leaves = Enumerable.Range(0, 70).Select(i => MerkleTree.LeafHash(Encoding.UTF8.GetBytes($"leaf {i}"))).ToArray();
        var stored = new Dictionary<(int, long), byte[]>();
        var frontier = new MerkleFrontier();
        var completed = new List<MerkleNode>();
        foreach (var leaf in leaves) frontier.Append(leaf, completed);
        foreach (var node in completed) Assert.True(stored.TryAdd((node.Level, node.Index), node.Hash), $"{node.Level}/{node.Index} twice");
        Assert.Equal(2 * 70 - long.PopCount(70), stored.Count);

        for (var size = 1; size <= leaves.Length; size++)
        {
            var within = size;
            byte[] Read(int level, long index)
            {
                Assert.True((index + 1) << level <= within, $"subtree {level}/{index} lies outside the tree of {within}");
                return stored[(level, index)];
            }
            Assert.Equal(Hex([MerkleTree.RootHash(leaves[..size])]), Hex([MerkleTree.RootHash(size, Read)]));
            for (var index = 0; index < size; index++)
                Assert.Equal(Hex(MerkleTree.InclusionProof(leaves, index, size)), Hex(MerkleTree.InclusionProof(index, size, Read)));
            for (var first = 1; first <= size; first++)
                Assert.Equal(Hex(MerkleTree.ConsistencyProof(leaves, first, size)), Hex(MerkleTree.ConsistencyProof(first, size, Read)));
        }
        var read = MerkleTree.NodesRead(nodes => MerkleTree.ConsistencyProof(1_234_567, 9_876_543, nodes));
        Assert.InRange(read.Count, 1, 2 * 24 * 24);
        Assert.All(read, n => Assert.True((n.Index + 1) << n.Level <= 9_876_543));
    }

    [Fact]
    public void Inclusion_proofs_are_those_of_the_reference_vectors_and_verify_only_for_their_leaf()
    {
        var leaves = Leaves;
        var root = Convert.FromHexString(CtRoots[8]);

        var first = MerkleTree.InclusionProof(leaves, 0, 8);
        Assert.Equal(["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"], Hex(first));
        Assert.Equal(["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"], Hex(MerkleTree.InclusionProof(leaves, 5, 8)));

        for (var size = 1; size <= 8; size++)
        for (var index = 0; index < size; index++)
            Assert.True(MerkleTree.VerifyInclusion(index, size, leaves[index], MerkleTree.InclusionProof(leaves, index, size),
                MerkleTree.RootHash(leaves[..size])), $"leaf {index} of {size}");
        Assert.False(MerkleTree.VerifyInclusion(1, 8, leaves[0], first, root));
        Assert.False(MerkleTree.VerifyInclusion(0, 8, leaves[1], first, root));
    }

    [Fact]
    public void Consistency_proofs_are_those_of_the_reference_vectors_and_verify_between_every_pair_of_sizes()
    {
        var leaves = Leaves;
        Assert.Equal(["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"], Hex(MerkleTree.ConsistencyProof(leaves, 1, 8)));
        Assert.Equal(["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"], Hex(MerkleTree.ConsistencyProof(leaves, 6, 8)));
        Assert.Equal(["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"], Hex(MerkleTree.ConsistencyProof(leaves, 2, 5)));

        for (var second = 1; second <= 8; second++)
        for (var first = 1; first <= second; first++)
            Assert.True(MerkleTree.VerifyConsistency(first, second, MerkleTree.RootHash(leaves[..first]), MerkleTree.RootHash(leaves[..second]),
                MerkleTree.ConsistencyProof(leaves, first, second)), $"{first} -> {second}");

        var rewritten = leaves.ToList();
        rewritten[2] = MerkleTree.LeafHash("rewritten"u8);
        Assert.False(MerkleTree.VerifyConsistency(4, 8, MerkleTree.RootHash(leaves[..4]), MerkleTree.RootHash(rewritten),
            MerkleTree.ConsistencyProof(rewritten, 4, 8)));
    }

    [Fact]
    public void Seal_scheme_2_is_sha256_of_the_jcs_form_of_one_object_and_scheme_1_seals_keep_their_hash()
    {
        var at = new DateTimeOffset(2026, 3, 14, 9, 30, 0, TimeSpan.FromHours(3));
        const string data = """{ "title": "\u0411\u043f\u043b\u0430", "amount": 10.50, "tags": ["b", "a"] }""";

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(
            "{\"at\":\"2026-03-14T06:30:00.0000000Z\",\"by\":\"reg-1\",\"data\":{\"amount\":10.5,\"tags\":[\"b\",\"a\"],\"title\":\"Бпла\"}," +
            "\"previousHash\":\"" + AuditHash.Genesis + "\",\"type\":\"regime_established\"}")));

        Assert.Equal(expected, AuditHash.OfEvent(EventSeal.JcsScheme, AuditHash.Genesis, "regime_established", data, "reg-1", at));
        Assert.Equal(AuditHash.OfEventJson(AuditHash.Genesis, "regime_established", data, "reg-1", at),
            AuditHash.OfEvent(EventSeal.LinesScheme, AuditHash.Genesis, "regime_established", data, "reg-1", at));
        Assert.NotEqual(expected, AuditHash.OfEvent(EventSeal.JcsScheme, AuditHash.Genesis, "regime_established", data, null, at));
    }

    [Fact]
    public void An_events_leaf_entry_is_the_jcs_form_of_its_position_and_hash()
    {
        var stream = Guid.Parse("0b4a7f5e-0000-4000-8000-000000000001");
        var id = Guid.Parse("0b4a7f5e-0000-4000-8000-000000000002");
        var entry = ChainVerifier.LeafEntry(42, stream, 3, id, AuditHash.Genesis);

        Assert.Equal(Jcs.Canonicalize($$"""{"version":3,"streamId":"{{stream}}","sequence":42,"hash":"{{AuditHash.Genesis}}","eventId":"{{id}}"}"""),
            Encoding.UTF8.GetString(entry));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("an edited seal's hash, much longer than any SHA-256 in hex and not ASCII: хеш ✓ 𝄞 ...........................")]
    public void The_leaf_the_verifier_hashes_is_that_of_the_documented_entry_for_any_seal_hash(string hash)
    {
        var stream = Guid.Parse("0b4a7f5e-0000-4000-8000-000000000001");
        var id = Guid.Parse("0b4a7f5e-0000-4000-8000-000000000002");
        var seal = new StoredSeal(stream, 3, DateTimeOffset.UnixEpoch, AuditHash.Genesis, hash, EventSeal.JcsScheme);
        var row = new StoredEvent(42, id, stream, 3, "regime_established", "{}", "reg-1", seal);

        Assert.Equal(Convert.ToHexStringLower(MerkleTree.LeafHash(ChainVerifier.LeafEntry(42, stream, 3, id, hash))),
            Convert.ToHexStringLower(ChainVerifier.LeafOf(row)));
        Assert.Equal(Encoding.UTF8.GetBytes(
                $$"""{"eventId":"{{id}}","hash":"{{hash}}","sequence":42,"streamId":"{{stream}}","version":3}"""),
            ChainVerifier.LeafEntry(42, stream, 3, id, hash));
    }

    [Fact]
    public void Ed25519_is_that_of_rfc_8032_test_1()
    {
        var key = new NoteKey("example.com/log", Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));

        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Convert.ToHexStringLower(key.PublicKey));
        Assert.Equal("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            Convert.ToHexStringLower(key.Sign([])));
    }

    [Fact]
    public void A_checkpoint_is_a_c2sp_signed_note_that_verifies_only_unchanged_and_a_witness_cosignature_verifies_under_type_4()
    {
        var log = NoteKey.Development("sandbox-registry/incident-claims");
        var witness = NoteKey.Development("sandbox-registry/ai-system-registry");
        var root = Convert.FromHexString(CtRoots[8]);
        var body = SignedNote.CheckpointBody(log.Name, 8, root);

        var note = SignedNote.Sign(body, log);
        var cosigned = note + SignedNote.CosignatureLine(body, witness, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal("sandbox-registry/incident-claims\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", body);
        var line = note[(body.Length + 1)..];
        Assert.StartsWith("\u2014 sandbox-registry/incident-claims ", line);
        var raw = Convert.FromBase64String(line.Split(' ')[2].TrimEnd('\n'));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData([.. Encoding.UTF8.GetBytes(log.Name), 0x0A, 0x01, .. log.PublicKey])[..4], raw[..4]);
        Assert.Equal(68, raw.Length);
        Assert.True(SignedNote.HasValidSignature(cosigned, log.Name, log.PublicKey));
        Assert.True(SignedNote.HasValidSignature(cosigned, witness.Name, witness.PublicKey, NoteKey.CosignatureType));
        Assert.False(SignedNote.HasValidSignature(cosigned, witness.Name, witness.PublicKey));
        Assert.False(SignedNote.HasValidSignature(cosigned.Replace("\n8\n", "\n9\n"), log.Name, log.PublicKey));
        Assert.False(SignedNote.HasValidSignature(cosigned.Replace("\n8\n", "\n9\n"), witness.Name, witness.PublicKey, NoteKey.CosignatureType));
        var parsed = CheckpointKeys.ParseVerifierKey(log.VerifierKey());
        Assert.Equal(log.Name, parsed.Name);
        Assert.Equal(log.PublicKey, parsed.PublicKey);
    }
}
