using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.SandboxApplications.Applications.GettingDetails;
using SandboxRegistry.SandboxApplications.Participations.GettingDetails;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.SandboxApplications.ErasingContacts;

/// <param name="LegalGround">The recorded ground, e.g. "152-FZ art. 21 p. 5: the person left the company".</param>
public sealed record EraseContactsRequest([property: FreeText] string LegalGround);

public sealed class EraseContactsValidator : AbstractValidator<EraseContactsRequest>
{
    public EraseContactsValidator() => RuleFor(r => r.LegalGround).NotEmpty().MaximumLength(1_000);
}

/// <summary>The erasure as recorded; a repeated request answers with the first one.</summary>
public sealed record ContactsErasure(Guid KeyId, string LegalGround, string ErasedBy, DateTimeOffset ErasedAt);

/// <summary>
/// Erasure of a responsible person's contacts (152-FZ art. 21): the person's key is destroyed, so their contacts become
/// unreadable in the application, the register and every event. Name and position stay: the register of responsible
/// persons is kept under a legal obligation (169-FZ; 152-FZ art. 6 p. 1 pp. 2) and the liability trail rests on it.
/// The key is shared by the application and the register entry made from it, so one erasure covers both.
/// </summary>
public static class EraseContacts
{
    public static async Task<Ok<ContactsErasure>> FromRegister(Guid id, Guid entryId, EraseContactsRequest request, IDocumentSession session,
        PersonalDataVault vault, HttpContext http, CancellationToken ct)
    {
        var participation = (await session.LoadAsync<ParticipationDetails>(id, ct)).VisibleOrNotFound(Actor.From(http.User));
        var entry = participation.ResponsiblePersons.FirstOrDefault(p => p.EntryId == entryId)
            ?? throw new ResourceNotFound("No such entry in the register.");
        return TypedResults.Ok(await Erase(session, vault, entry.Contact.KeyId, request, http.User, ct));
    }

    public static async Task<Ok<ContactsErasure>> FromApplication(Guid id, Guid keyId, EraseContactsRequest request, IDocumentSession session,
        PersonalDataVault vault, HttpContext http, CancellationToken ct)
    {
        var application = (await session.LoadAsync<ApplicationDetails>(id, ct)).VisibleOrNotFound(Actor.From(http.User));
        var named = application.Form.ResponsiblePersons.Concat(application.InformationRequests.SelectMany(r =>
            r.Corrections?.ResponsiblePersons ?? [])).Any(p => p.Contact.KeyId == keyId);
        if (!named) throw new ResourceNotFound("No such person in the application.");
        return TypedResults.Ok(await Erase(session, vault, keyId, request, http.User, ct));
    }

    private static async Task<ContactsErasure> Erase(IDocumentSession session, PersonalDataVault vault, Guid keyId, EraseContactsRequest request,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (await session.LoadAsync<ErasureRecord>(keyId, ct) is not { } record)
        {
            await vault.EraseAsync(session, keyId, request.LegalGround.Trim(), Actor.From(user), ct);
            await session.CommitAsync(ct);
            record = await session.LoadAsync<ErasureRecord>(keyId, ct) ?? throw new InvalidOperationException("Erasure not recorded.");
        }
        return new ContactsErasure(keyId, record.LegalGround, record.ErasedBy, record.ErasedAt);
    }
}
