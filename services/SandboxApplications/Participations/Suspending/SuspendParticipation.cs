using Microsoft.AspNetCore.Http.HttpResults;
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

    public static Task<Ok<Changed>> Handle(Guid id, ReasonRequest request, IDocumentSession session, TimeProvider clock, HttpContext http,
        CancellationToken ct) =>
        session.Decide<Participation>(id, http, p => Decide(p, SuspensionGround.RegulatorDecision, request.Reason, Actor.From(http.User), clock.GetUtcNow()), ct);
}
