using System.Security.Claims;
using Marten;
using SandboxRegistry.SandboxApplications.Regimes.Suspending;

namespace SandboxRegistry.SandboxApplications.Regimes.Terminating;

public static class TerminateRegime
{
    /// <summary>258-FZ art. 15: the regime may end early by decision of the authorized body.</summary>
    public static RegimeTerminated Decide(Regime regime, string reason, Actor by, DateTimeOffset now) =>
        regime.IsClosed
            ? throw new DomainRuleViolation("regime-closed", "The regime has already ended.")
            : new RegimeTerminated(regime.Id, reason.Trim(), by, now);

    public static void MapTerminateRegime(this RouteGroupBuilder regimes) =>
        regimes.MapPost("/{id:guid}/termination", async (Guid id, ReasonRequest request, IDocumentSession session, TimeProvider clock,
                ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var stream = await session.FetchAsync<Regime>(id, http.Request, ct);
                var version = await session.AppendAsync(stream, [Decide(stream.Aggregate!, request.Reason, Actor.From(user), clock.GetUtcNow())],
                    http.Response, ct);
                return Results.Ok(new CommandAccepted(id, version));
            })
            .RequireAuthorization(Policies.Regulator)
            .WithValidation()
            .WithName("TerminateRegime")
            .Produces<CommandAccepted>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
