using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.Extensions.Options;

namespace SandboxRegistry.EventSourcing.PersonalData;

/// <summary>
/// Personal data as events and documents store it: AES-256-GCM ciphertext under the data subject's own key, and the
/// key's id. Only the vault can read it, and only while the key exists.
/// </summary>
/// <param name="KeyId">The data subject's key (one key per person).</param>
/// <param name="Ciphertext">Base64 of nonce (12 bytes) + tag (16 bytes) + ciphertext.</param>
public sealed record EncryptedValue(Guid KeyId, string Ciphertext);

/// <summary>One person's data key, wrapped with the vault's master key. Lives outside the event streams.</summary>
public sealed record PersonalDataKey(Guid Id, string WrappedKey, DateTimeOffset CreatedAt);

/// <summary>Why and when a person's key was destroyed; kept so reads can say "erased" rather than "unknown".</summary>
public sealed record ErasureRecord(Guid Id, string LegalGround, string ErasedBy, DateTimeOffset ErasedAt);

public sealed class VaultOptions
{
    public const string Section = "Vault";

    /// <summary>Base64 of 32 bytes that wraps every person's key. In production it comes from a secret store.</summary>
    public string? MasterKey { get; set; }
}

/// <summary>
/// Crypto-shredding: each person's data is encrypted with a key of their own; erasure deletes the key, which makes the
/// data unreadable everywhere it was copied (events, read models, backups) while the events, and so the hash chains,
/// stay exactly as they were.
/// </summary>
public sealed class PersonalDataVault(IOptions<VaultOptions> options, TimeProvider clock)
{
    public const string ErasedMarker = "[erased]";
    private readonly byte[] _master = MasterKey(options.Value);

    /// <summary>Creates a key for a new data subject in the session (committed with the caller's changes).</summary>
    public Guid NewSubject(IDocumentSession session, out byte[] key)
    {
        var stored = NewKey(out key);
        session.Insert(stored);
        return stored.Id;
    }

    /// <summary>A key for a new data subject, and the document (the key wrapped under the master key) to store.</summary>
    public PersonalDataKey NewKey(out byte[] key)
    {
        key = RandomNumberGenerator.GetBytes(32);
        var id = Guid.CreateVersion7();
        return new PersonalDataKey(id, Convert.ToBase64String(Encrypt(_master, key, id)), clock.GetUtcNow());
    }

    public EncryptedValue Encrypt(Guid keyId, byte[] key, string plaintext) =>
        new(keyId, Convert.ToBase64String(Encrypt(key, Encoding.UTF8.GetBytes(plaintext), keyId)));

    /// <summary>Loads the keys for <paramref name="keyIds"/>; erased or unknown keys are absent from the result.</summary>
    public async Task<IReadOnlyDictionary<Guid, byte[]>> KeysAsync(IQuerySession session, IEnumerable<Guid> keyIds, CancellationToken ct)
    {
        var ids = keyIds.Distinct().ToArray();
        if (ids.Length == 0) return new Dictionary<Guid, byte[]>();
        var keys = await session.LoadManyAsync<PersonalDataKey>(ct, ids);
        return keys.ToDictionary(k => k.Id, k => Decrypt(_master, Convert.FromBase64String(k.WrappedKey), k.Id));
    }

    /// <summary>The plaintext, or <see cref="ErasedMarker"/> when the person's key no longer exists.</summary>
    public static string Reveal(EncryptedValue? value, IReadOnlyDictionary<Guid, byte[]> keys) =>
        value is null ? "" :
        keys.TryGetValue(value.KeyId, out var key)
            ? Encoding.UTF8.GetString(Decrypt(key, Convert.FromBase64String(value.Ciphertext), value.KeyId))
            : ErasedMarker;

    public async Task<string> RevealAsync(IQuerySession session, EncryptedValue value, CancellationToken ct) =>
        Reveal(value, await KeysAsync(session, [value.KeyId], ct));

    /// <summary>Destroys the person's key for good and records the legal ground. Returns false when already erased.</summary>
    public async Task<bool> EraseAsync(IDocumentSession session, Guid keyId, string legalGround, Actor by, CancellationToken ct)
    {
        if (await session.LoadAsync<ErasureRecord>(keyId, ct) is not null) return false;
        if (await session.LoadAsync<PersonalDataKey>(keyId, ct) is null) throw new ResourceNotFound("No such data subject.");
        session.Delete<PersonalDataKey>(keyId);
        session.Insert(new ErasureRecord(keyId, legalGround, by.Subject, clock.GetUtcNow()));
        return true;
    }

    private static byte[] Encrypt(byte[] key, byte[] plaintext, Guid associated)
    {
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var output = new byte[nonce.Length + AesGcm.TagByteSizes.MaxSize + plaintext.Length];
        nonce.CopyTo(output, 0);
        using var aes = new AesGcm(key, AesGcm.TagByteSizes.MaxSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(nonce.Length + AesGcm.TagByteSizes.MaxSize),
            output.AsSpan(nonce.Length, AesGcm.TagByteSizes.MaxSize), associated.ToByteArray());
        return output;
    }

    private static byte[] Decrypt(byte[] key, byte[] sealedBytes, Guid associated)
    {
        const int nonceSize = 12, tagSize = 16;
        var plaintext = new byte[sealedBytes.Length - nonceSize - tagSize];
        using var aes = new AesGcm(key, tagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, nonceSize), sealedBytes.AsSpan(nonceSize + tagSize), sealedBytes.AsSpan(nonceSize, tagSize),
            plaintext, associated.ToByteArray());
        return plaintext;
    }

    private static byte[] MasterKey(VaultOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.MasterKey))
            throw new InvalidOperationException("Vault:MasterKey is not set (base64 of 32 random bytes).");
        var key = Convert.FromBase64String(options.MasterKey);
        return key.Length == 32 ? key : throw new InvalidOperationException("Vault:MasterKey must be 32 bytes.");
    }
}
