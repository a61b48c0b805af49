using System.Security.Claims;
using Marten;
using SandboxRegistry.SandboxApplications.Regimes.Suspending;

namespace SandboxRegistry.SandboxApplications.Participations.Terminating;

public static class TerminateParticipation
{
    /// <summary>258-FZ art. 13: the subject is excluded from the register, by the regulator or on a commission's conclusion.</summary>
    public static ParticipationTerminated Decide(Participation participation, string reason, Actor by, DateTimeOffset now)
    {
        participation.EnsureOpen();
        return new ParticipationTerminated(participation.Id, reason.Trim(), by, now);
    }

    public static void MapTerminateParticipation(this RouteGroupBuilder participations) =>
        participations.MapPost("/{id:guid}/termination", async (Guid id, ReasonRequest request, IDocumentSession session, TimeProvider clock,
                ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var stream = await session.FetchAsync<Participation>(id, http.Request, ct);
                var version = await session.AppendAsync(stream,
                    [Decide(stream.Aggregate!, request.Reason, Actor.From(user), clock.GetUtcNow())], http.Response, ct);
                return Results.Ok(new CommandAccepted(id, version));
            })
            .RequireAuthorization(Policies.Regulator)
            .WithValidation()
            .WithName("TerminateParticipation")
            .Produces<CommandAccepted>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
