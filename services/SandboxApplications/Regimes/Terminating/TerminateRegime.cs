using Microsoft.AspNetCore.Http.HttpResults;
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

    public static Task<Ok<Changed>> Handle(Guid id, ReasonRequest request, IDocumentSession session, TimeProvider clock, HttpContext http,
        CancellationToken ct) =>
        session.Decide<Regime>(id, http, r => Decide(r, request.Reason, Actor.From(http.User), clock.GetUtcNow()), ct);
}
