using Microsoft.AspNetCore.Http.HttpResults;
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

    public static Task<Ok<Changed>> Handle(Guid id, ReasonRequest request, IDocumentSession session, TimeProvider clock, HttpContext http,
        CancellationToken ct) =>
        session.Decide<Participation>(id, http, p => Decide(p, request.Reason, Actor.From(http.User), clock.GetUtcNow()), ct);
}
