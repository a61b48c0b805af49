using System.Security.Claims;
using Marten;
using Microsoft.Extensions.Options;

namespace SandboxRegistry.SandboxApplications.Participations.Resuming;

public static class ResumeParticipation
{
    public static ParticipationResumed Decide(Participation participation, DateOnly today, Actor by, DateTimeOffset now)
    {
        participation.EnsureOpen();
        if (participation.Status != ParticipationStatus.Suspended)
            throw new DomainRuleViolation("participation-not-suspended", "The participation is not suspended.");
        if (!participation.InsuredOn(today))
            throw new DomainRuleViolation("insurance-lapsed", "No insurance policy is in force today; renew it before resuming.");
        return new ParticipationResumed(participation.Id, by, now);
    }

    public static void MapResumeParticipation(this RouteGroupBuilder participations) =>
        participations.MapPost("/{id:guid}/resumption", async (Guid id, IDocumentSession session, TimeProvider clock,
                IOptions<JurisdictionProfile> profile, ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var stream = await session.FetchAsync<Participation>(id, http.Request, ct);
                var now = clock.GetUtcNow();
                var version = await session.AppendAsync(stream,
                    [Decide(stream.Aggregate!, profile.Value.DateOf(now), Actor.From(user), now)], http.Response, ct);
                return Results.Ok(new CommandAccepted(id, version));
            })
            .RequireAuthorization(Policies.Regulator)
            .WithName("ResumeParticipation")
            .Produces<CommandAccepted>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
