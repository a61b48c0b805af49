using Marten;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.IncidentClaims.Incidents;

public sealed record EncryptedContacts(EncryptedValue? Email, EncryptedValue? Phone, EncryptedValue? PostalAddress);

/// <summary>
/// The reporter as the incident stream holds it (152-FZ): ciphertext under the reporter's own key, and the key's id.
/// Erasing the key makes every copy unreadable while the events, and so the hash chain, stay as they were.
/// </summary>
public sealed record EncryptedReporter(Guid KeyId, EncryptedValue FullName, EncryptedContacts Contacts, bool ConsentToProcessing);

/// <summary>Why and by whom the reporter's data was erased.</summary>
public sealed record ReporterErasure(string LegalGround, string ErasedBy, DateTimeOffset ErasedAt);

/// <summary>The reporter as a regulator reads it: plaintext while the key exists, the erased marker after.</summary>
public sealed record ReporterView(string FullName, Contacts Contacts, bool ConsentToProcessing, ReporterErasure? Erasure);

public static class ReporterData
{
    /// <summary>Creates the reporter's key in <paramref name="session"/> (committed with the report) and encrypts with it.</summary>
    public static EncryptedReporter Seal(this PersonalDataVault vault, IDocumentSession session, Reporter reporter)
    {
        var (sealedReporter, key) = vault.Seal(reporter);
        session.Insert(key);
        return sealedReporter;
    }

    /// <summary>Encrypts under a new key of the reporter's own; the key is to be stored with the report, or the data is lost.</summary>
    public static (EncryptedReporter Reporter, PersonalDataKey Key) Seal(this PersonalDataVault vault, Reporter reporter)
    {
        var stored = vault.NewKey(out var key);
        EncryptedValue? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : vault.Encrypt(stored.Id, key, value.Trim());
        return (new EncryptedReporter(stored.Id, vault.Encrypt(stored.Id, key, reporter.FullName.Trim()),
            new EncryptedContacts(Optional(reporter.Contacts.Email), Optional(reporter.Contacts.Phone), Optional(reporter.Contacts.PostalAddress)),
            reporter.ConsentToProcessing), stored);
    }

    public static ReporterView Reveal(EncryptedReporter reporter, IReadOnlyDictionary<Guid, byte[]> keys, ReporterErasure? erasure)
    {
        string? Optional(EncryptedValue? value) => value is null ? null : PersonalDataVault.Reveal(value, keys);
        return new ReporterView(PersonalDataVault.Reveal(reporter.FullName, keys),
            new Contacts(Optional(reporter.Contacts.Email), Optional(reporter.Contacts.Phone), Optional(reporter.Contacts.PostalAddress)),
            reporter.ConsentToProcessing, erasure);
    }
}
