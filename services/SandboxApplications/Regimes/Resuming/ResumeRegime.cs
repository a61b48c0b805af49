using Microsoft.AspNetCore.Http.HttpResults;
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

    public static Task<Ok<Changed>> Handle(Guid id, IDocumentSession session, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        session.Decide<Regime>(id, http, r => Decide(r, Actor.From(http.User), clock.GetUtcNow()), ct);
}
