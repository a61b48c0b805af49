using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace SandboxRegistry.EventSourcing.Audit;

/// <summary>An Ed25519 key (RFC 8032) with a C2SP signed-note key name.</summary>
public sealed class NoteKey
{
    public const byte Ed25519Type = 0x01;
    public const byte CosignatureType = 0x04;

    private readonly byte[] _seed;

    public NoteKey(string name, byte[] seed)
    {
        if (seed.Length != Ed25519.SecretKeySize) throw new ArgumentException("An Ed25519 private key is a 32-byte seed.", nameof(seed));
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c == '+')) throw new ArgumentException("A key name has no spaces or plus signs.", nameof(name));
        Name = name;
        _seed = seed;
        PublicKey = new byte[Ed25519.PublicKeySize];
        Ed25519.GeneratePublicKey(seed, 0, PublicKey, 0);
    }

    public string Name { get; }

    public byte[] PublicKey { get; }

    /// <summary>The development key of a service: derived from its name, so every process agrees on it. Never for production.</summary>
    public static NoteKey Development(string name) =>
        new(name, SHA256.HashData(Encoding.UTF8.GetBytes($"sandbox-registry development checkpoint key\n{name}")));

    /// <summary>key ID = SHA-256(key name || 0x0A || signature type || public key)[:4] (c2sp.org/signed-note).</summary>
    public static byte[] KeyId(string name, byte type, byte[] publicKey) =>
        SHA256.HashData([.. Encoding.UTF8.GetBytes(name), 0x0A, type, .. publicKey])[..4];

    /// <summary>The verifier key, <c>name+hex key ID+base64(type || public key)</c>.</summary>
    public string VerifierKey(byte type = Ed25519Type) =>
        $"{Name}+{Convert.ToHexStringLower(KeyId(Name, type, PublicKey))}+{Convert.ToBase64String([type, .. PublicKey])}";

    public byte[] Sign(byte[] message)
    {
        var signature = new byte[Ed25519.SignatureSize];
        Ed25519.Sign(_seed, 0, message, 0, message.Length, signature, 0);
        return signature;
    }

    public static bool Verify(byte[] publicKey, byte[] message, byte[] signature) =>
        signature.Length == Ed25519.SignatureSize && Ed25519.Verify(signature, 0, publicKey, 0, message, 0, message.Length);
}

/// <summary>
/// Checkpoints as C2SP signed notes: the tlog-checkpoint body (origin, tree size, base64 root hash, each on its own
/// line), a blank line, then one signature line per signer, <c>— name base64(key ID || signature)</c>: the log's own
/// Ed25519 signature over the body, and witnesses' tlog-cosignature/v1 lines over <c>cosignature/v1\ntime T\n</c> + body.
/// </summary>
public static class SignedNote
{
    private const string Dash = "\u2014";

    public static string CheckpointBody(string origin, long treeSize, byte[] rootHash) =>
        $"{origin}\n{treeSize}\n{Convert.ToBase64String(rootHash)}\n";

    public static string SignatureLine(string body, NoteKey key) =>
        $"{Dash} {key.Name} {Convert.ToBase64String([.. NoteKey.KeyId(key.Name, NoteKey.Ed25519Type, key.PublicKey), .. key.Sign(Encoding.UTF8.GetBytes(body))])}\n";

    public static string Sign(string body, NoteKey key) => body + "\n" + SignatureLine(body, key);

    /// <summary>A tlog-cosignature/v1 line: base64(key ID || big-endian u64 timestamp || Ed25519 signature).</summary>
    public static string CosignatureLine(string body, NoteKey witness, DateTimeOffset at)
    {
        var timestamp = (ulong)at.ToUnixTimeSeconds();
        var signature = witness.Sign(CosignedMessage(body, timestamp));
        var time = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(time, timestamp);
        return $"{Dash} {witness.Name} {Convert.ToBase64String([.. NoteKey.KeyId(witness.Name, NoteKey.CosignatureType, witness.PublicKey), .. time, .. signature])}\n";
    }

    private static byte[] CosignedMessage(string body, ulong timestamp) => Encoding.UTF8.GetBytes($"cosignature/v1\ntime {timestamp}\n{body}");

    /// <summary>The note's body, or null when it is no signed note.</summary>
    public static string? Body(string note)
    {
        var split = note.IndexOf("\n\n", StringComparison.Ordinal);
        return split < 0 ? null : note[..(split + 1)];
    }

    /// <summary>Whether <paramref name="note"/> carries a valid signature of the key (name, public key) with the given signature type.</summary>
    public static bool HasValidSignature(string note, string name, byte[] publicKey, byte type = NoteKey.Ed25519Type)
    {
        if (Body(note) is not { } body) return false;
        var keyId = NoteKey.KeyId(name, type, publicKey);
        foreach (var line in note[(body.Length + 1)..].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            if (parts.Length != 3 || parts[0] != Dash || parts[1] != name) continue;
            byte[] raw;
            try { raw = Convert.FromBase64String(parts[2]); }
            catch (FormatException) { continue; }
            if (raw.Length < 4 || !raw.AsSpan(0, 4).SequenceEqual(keyId)) continue;
            if (type == NoteKey.CosignatureType)
            {
                if (raw.Length != 4 + 8 + 64) return false;
                var timestamp = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(4, 8));
                return NoteKey.Verify(publicKey, CosignedMessage(body, timestamp), raw[12..]);
            }
            return NoteKey.Verify(publicKey, Encoding.UTF8.GetBytes(body), raw[4..]);
        }
        return false;
    }
}
