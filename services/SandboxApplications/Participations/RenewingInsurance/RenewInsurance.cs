using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Marten;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Participations.FollowingInsurance;
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

    /// <summary>A renewal that meets the programme also resumes a participation suspended because its insurance lapsed.</summary>
    public static async Task<Ok<Changed>> Handle(Guid id, InsurancePolicy policy, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await session.DecideAll<Participation>(id, http, async participation =>
        {
            var regime = await session.Events.AggregateStreamAsync<Regime>(participation.RegimeId, token: ct)
                ?? throw new ResourceNotFound("No such regime.");
            var now = clock.GetUtcNow();
            var today = profile.Value.DateOf(now);
            return InsuranceCover.WithConsequence(participation, [Decide(participation, regime, policy, today, Actor.From(http.User), now)],
                today, regime.Programme.Insurance, now);
        }, ct));
}
