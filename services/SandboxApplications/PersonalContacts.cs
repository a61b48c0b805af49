using Marten;
using SandboxRegistry.SandboxApplications.Applications;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.SandboxApplications;

/// <summary>
/// A responsible person's contacts as events and documents hold them (152-FZ): ciphertext under the person's own key.
/// Reads reveal them to those who may see them; erasure destroys the key. Contacts never leave this service.
/// </summary>
public sealed record PersonContact(Guid KeyId, EncryptedValue? Email, EncryptedValue? Phone);

/// <summary>Encrypts one person's contacts under a new key of their own.</summary>
public delegate PersonContact SealContact(Contact contact);

public static class PersonalContacts
{
    /// <summary>A sealer whose keys are stored in <paramref name="session"/>, committed with the caller's events.</summary>
    public static SealContact Sealer(this PersonalDataVault vault, IDocumentSession session) => contact =>
    {
        var keyId = vault.NewSubject(session, out var key);
        EncryptedValue? Seal(string? value) => string.IsNullOrWhiteSpace(value) ? null : vault.Encrypt(keyId, key, value.Trim());
        return new PersonContact(keyId, Seal(contact.Email), Seal(contact.Phone));
    };

    public static ResponsiblePerson Sealed(this ResponsiblePersonDetails person, SealContact seal) =>
        new(person.FullName.Trim(), person.Position.Trim(), person.AreaOfResponsibility.Trim(), seal(person.Contact));
}

public static class Revealing
{
    /// <summary>
    /// The answer for a stored view: contacts in plaintext for the company itself and regulators, null for auditors
    /// (they audit decisions, not people), the erased marker once a person's key is gone.
    /// </summary>
    public static async Task<IResult> Revealed<T>(this HttpContext http, IQuerySession session, T view, CancellationToken ct)
    {
        var vault = http.RequestServices.GetRequiredService<PersonalDataVault>();
        var json = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()
            .Value.SerializerOptions;
        var role = Actor.From(http.User).Role;
        return Results.Ok(await vault.RevealAsync(session, view, role is Roles.Applicant or Roles.Regulator, json, ct));
    }
}
