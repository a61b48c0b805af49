using System.Security.Claims;
using Marten;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Regimes;

namespace SandboxRegistry.SandboxApplications.Participations.RenewingInsurance;

public static class RenewInsurance
{
    /// <summary>A renewed policy must meet the regime's current programme and still be in force today or later.</summary>
    public static InsuranceRenewed Decide(Participation participation, Regime regime, InsurancePolicy policy, DateOnly today, Actor by,
        DateTimeOffset now)
    {
        participation.EnsureOpen();
        InsuranceRules.Check(policy, regime.Programme.Insurance, null);
        if (policy.ValidTo < today)
            throw new DomainRuleViolation("insurance-already-expired", "The policy is no longer in force.");
        return new InsuranceRenewed(participation.Id, policy, by, now);
    }

    public static void MapRenewInsurance(this RouteGroupBuilder participations) =>
        participations.MapPost("/{id:guid}/insurance", async (Guid id, InsurancePolicy policy, IDocumentSession session, TimeProvider clock,
                IOptions<JurisdictionProfile> profile, ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var by = Actor.From(user);
                var stream = await session.FetchAsync<Participation>(id, http.Request, ct);
                var regime = await session.Events.AggregateStreamAsync<Regime>(stream.Aggregate!.RegimeId, token: ct)
                    ?? throw new ResourceNotFound("No such regime.");
                var now = clock.GetUtcNow();
                var version = await session.AppendAsync(stream,
                    [Decide(stream.Aggregate!, regime, policy, profile.Value.DateOf(now), by, now)], http.Response, ct);
                return Results.Ok(new CommandAccepted(id, version));
            })
            .RequireAuthorization(Policies.Applicant)
            .WithValidation()
            .WithName("RenewInsurance")
            .Produces<CommandAccepted>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
