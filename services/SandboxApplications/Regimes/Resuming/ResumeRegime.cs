using System.Security.Claims;
using Marten;

namespace SandboxRegistry.SandboxApplications.Regimes.Resuming;

public static class ResumeRegime
{
    public static RegimeResumed Decide(Regime regime, Actor by, DateTimeOffset now) => regime.Status switch
    {
        RegimeStatus.Suspended => new RegimeResumed(regime.Id, by, now),
        RegimeStatus.Active => throw new DomainRuleViolation("regime-not-suspended", "The regime is not suspended."),
        _ => throw new DomainRuleViolation("regime-closed", "The regime has ended."),
    };

    public static void MapResumeRegime(this RouteGroupBuilder regimes) =>
        regimes.MapPost("/{id:guid}/resumption", async (Guid id, IDocumentSession session, TimeProvider clock, ClaimsPrincipal user,
                HttpContext http, CancellationToken ct) =>
            {
                var stream = await session.FetchAsync<Regime>(id, http.Request, ct);
                var version = await session.AppendAsync(stream, [Decide(stream.Aggregate!, Actor.From(user), clock.GetUtcNow())],
                    http.Response, ct);
                return Results.Ok(new CommandAccepted(id, version));
            })
            .RequireAuthorization(Policies.Regulator)
            .WithName("ResumeRegime")
            .Produces<CommandAccepted>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
