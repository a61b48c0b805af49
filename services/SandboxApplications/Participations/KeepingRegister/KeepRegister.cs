using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.SandboxApplications.Applications;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.SandboxApplications.Participations.KeepingRegister;

public sealed record AddResponsiblePersonRequest(
    string FullName, string Position, [property: FreeText] string AreaOfResponsibility, Contact Contact, DateOnly ValidFrom, DateOnly? ValidTo);

public sealed class AddResponsiblePersonValidator : AbstractValidator<AddResponsiblePersonRequest>
{
    public AddResponsiblePersonValidator()
    {
        RuleFor(p => p.FullName).Text(300);
        RuleFor(p => p.Position).Text(300);
        RuleFor(p => p.AreaOfResponsibility).Text(1000);
        RuleFor(p => p.Contact).NotNull().SetValidator(new ContactValidator());
        RuleFor(p => p.ValidFrom).NotEmpty();
        RuleFor(p => p.ValidTo).GreaterThanOrEqualTo(p => p.ValidFrom).When(p => p.ValidTo is not null)
            .WithMessage("'Valid To' must not be before 'Valid From'.");
    }
}

public sealed record RemoveResponsiblePersonRequest(DateOnly ValidTo);

public sealed class RemoveResponsiblePersonValidator : AbstractValidator<RemoveResponsiblePersonRequest>
{
    public RemoveResponsiblePersonValidator() => RuleFor(r => r.ValidTo).NotEmpty();
}

/// <summary>The register of persons responsible for the use of AI solutions that 169-FZ obliges the subject to keep.</summary>
public static class KeepRegister
{
    public static ResponsiblePersonAdded Add(Participation participation, Guid entryId, AddResponsiblePersonRequest request, SealContact seal,
        Actor by, DateTimeOffset now)
    {
        participation.EnsureOpen();
        if (request.ValidFrom < participation.Term.StartsOn || request.ValidFrom > participation.Term.EndsOn)
            throw new DomainRuleViolation("responsible-person-outside-term", "Responsibility must start within the participation's term.");
        var entry = new ResponsiblePersonEntry(entryId, request.FullName.Trim(), request.Position.Trim(), request.AreaOfResponsibility.Trim(),
            seal(request.Contact), request.ValidFrom, request.ValidTo);
        return new ResponsiblePersonAdded(participation.Id, entry, [.. participation.Register, entry], by, now);
    }

    public static ResponsiblePersonRemoved Remove(Participation participation, Guid entryId, DateOnly validTo, Actor by, DateTimeOffset now)
    {
        participation.EnsureOpen();
        var entry = participation.Register.FirstOrDefault(e => e.EntryId == entryId)
            ?? throw new ResourceNotFound("No such entry in the register.");
        if (entry.ValidTo is { } ended && ended <= validTo)
            throw new DomainRuleViolation("responsible-person-already-removed", $"The entry already ended on {ended:yyyy-MM-dd}.");
        if (validTo < entry.ValidFrom)
            throw new DomainRuleViolation("responsible-person-dates-invalid", "Responsibility cannot end before it started.");
        var register = participation.Register.Select(e => e.EntryId == entryId ? e with { ValidTo = validTo } : e).ToList();
        return new ResponsiblePersonRemoved(participation.Id, entryId, validTo, register, by, now);
    }

    public static async Task<Created<ResponsiblePersonAddedResponse>> AddPerson(Guid id, AddResponsiblePersonRequest request,
        IDocumentSession session, PersonalDataVault vault, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var (added, changed) = await session.Decided<Participation, ResponsiblePersonAdded>(id, http,
            p => Task.FromResult(Add(p, Guid.CreateVersion7(), request, vault.Sealer(session), Actor.From(http.User), clock.GetUtcNow())), ct);
        return TypedResults.Created($"/api/v1/participations/{id}/responsible-persons/{added.Entry.EntryId}",
            new ResponsiblePersonAddedResponse(id, changed.Version, added.Entry.EntryId));
    }

    public static Task<Ok<Changed>> RemovePerson(Guid id, Guid entryId, RemoveResponsiblePersonRequest request, IDocumentSession session,
        TimeProvider clock, HttpContext http, CancellationToken ct) =>
        session.Decide<Participation>(id, http, p => Remove(p, entryId, request.ValidTo, Actor.From(http.User), clock.GetUtcNow()), ct);
}

public sealed record ResponsiblePersonAddedResponse(Guid Id, long Version, Guid EntryId);
