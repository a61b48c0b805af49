using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.SandboxApplications.Regimes.Suspending;

public sealed record ReasonRequest(string Reason);

public sealed class ReasonValidator : AbstractValidator<ReasonRequest>
{
    public ReasonValidator() => RuleFor(r => r.Reason).Text();
}

public static class SuspendRegime
{
    public static RegimeSuspended Decide(Regime regime, string reason, Actor by, DateTimeOffset now) => regime.Status switch
    {
        RegimeStatus.Active => new RegimeSuspended(regime.Id, reason.Trim(), by, now),
        RegimeStatus.Suspended => throw new DomainRuleViolation("regime-already-suspended", "The regime is already suspended."),
        _ => throw new DomainRuleViolation("regime-closed", "The regime has ended."),
    };

    public static void MapSuspendRegime(this RouteGroupBuilder regimes) =>
        regimes.MapPost("/{id:guid}/suspension", async (Guid id, ReasonRequest request, IDocumentSession session, TimeProvider clock,
                ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var stream = await session.FetchAsync<Regime>(id, http.Request, ct);
                var version = await session.AppendAsync(stream, [Decide(stream.Aggregate!, request.Reason, Actor.From(user), clock.GetUtcNow())],
                    http.Response, ct);
                return Results.Ok(new CommandAccepted(id, version));
            })
            .RequireAuthorization(Policies.Regulator)
            .WithValidation()
            .WithName("SuspendRegime")
            .Produces<CommandAccepted>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
