using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.SandboxApplications.Regimes.Suspending;

public sealed record ReasonRequest([property: FreeText] string Reason);

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

    public static Task<Ok<Changed>> Handle(Guid id, ReasonRequest request, IDocumentSession session, TimeProvider clock, HttpContext http,
        CancellationToken ct) =>
        session.Decide<Regime>(id, http, r => Decide(r, request.Reason, Actor.From(http.User), clock.GetUtcNow()), ct);
}
