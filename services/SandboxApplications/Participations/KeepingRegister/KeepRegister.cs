using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.SandboxApplications.Applications;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.SandboxApplications.Participations.KeepingRegister;

public sealed record AddResponsiblePersonRequest(
    string FullName, string Position, string AreaOfResponsibility, Contact Contact, DateOnly ValidFrom, DateOnly? ValidTo);

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

    public static void MapKeepRegister(this RouteGroupBuilder participations)
    {
        participations.MapPost("/{id:guid}/responsible-persons", async (Guid id, AddResponsiblePersonRequest request,
                IDocumentSession session, PersonalDataVault vault, TimeProvider clock, ClaimsPrincipal user, HttpContext http,
                CancellationToken ct) =>
            {
                var by = Actor.From(user);
                var stream = await session.FetchAsync<Participation>(id, http.Request, ct);
                var added = Add(stream.Aggregate!, Guid.CreateVersion7(), request, vault.Sealer(session), by, clock.GetUtcNow());
                var version = await session.AppendAsync(stream, [added], http.Response, ct);
                return Results.Created($"/api/v1/participations/{id}/responsible-persons/{added.Entry.EntryId}",
                    new ResponsiblePersonAddedResponse(id, version, added.Entry.EntryId));
            })
            .RequireAuthorization(Policies.Applicant)
            .WithValidation()
            .WithName("AddResponsiblePerson")
            .Produces<ResponsiblePersonAddedResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        participations.MapPost("/{id:guid}/responsible-persons/{entryId:guid}/removal", async (Guid id, Guid entryId,
                RemoveResponsiblePersonRequest request, IDocumentSession session, TimeProvider clock, ClaimsPrincipal user, HttpContext http,
                CancellationToken ct) =>
            {
                var by = Actor.From(user);
                var stream = await session.FetchAsync<Participation>(id, http.Request, ct);
                var version = await session.AppendAsync(stream,
                    [Remove(stream.Aggregate!, entryId, request.ValidTo, by, clock.GetUtcNow())], http.Response, ct);
                return Results.Ok(new CommandAccepted(id, version));
            })
            .RequireAuthorization(Policies.Applicant)
            .WithValidation()
            .WithName("RemoveResponsiblePerson")
            .Produces<CommandAccepted>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }
}

public sealed record ResponsiblePersonAddedResponse(Guid Id, long Version, Guid EntryId);
