using System.Security.Claims;
using Marten;
using SandboxRegistry.SandboxApplications.Regimes.Suspending;

namespace SandboxRegistry.SandboxApplications.Participations.Suspending;

public static class SuspendParticipation
{
    /// <summary>
    /// The one suspension command: a regulator's decision, a lapsed policy (169-FZ: no participation without insurance)
    /// and a harm commission's conclusion all come through here, each with its ground.
    /// </summary>
    public static ParticipationSuspended Decide(Participation participation, SuspensionGround ground, string reason, Actor by,
        DateTimeOffset now)
    {
        participation.EnsureOpen();
        if (participation.Status == ParticipationStatus.Suspended)
            throw new DomainRuleViolation("participation-already-suspended", "The participation is already suspended.");
        return new ParticipationSuspended(participation.Id, ground, reason.Trim(), by, now);
    }

    public static void MapSuspendParticipation(this RouteGroupBuilder participations) =>
        participations.MapPost("/{id:guid}/suspension", async (Guid id, ReasonRequest request, IDocumentSession session, TimeProvider clock,
                ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var stream = await session.FetchAsync<Participation>(id, http.Request, ct);
                var suspended = Decide(stream.Aggregate!, SuspensionGround.RegulatorDecision, request.Reason, Actor.From(user), clock.GetUtcNow());
                var version = await session.AppendAsync(stream, [suspended], http.Response, ct);
                return Results.Ok(new CommandAccepted(id, version));
            })
            .RequireAuthorization(Policies.Regulator)
            .WithValidation()
            .WithName("SuspendParticipation")
            .Produces<CommandAccepted>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
