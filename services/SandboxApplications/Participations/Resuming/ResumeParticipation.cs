using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Marten;
using Microsoft.Extensions.Options;

namespace SandboxRegistry.SandboxApplications.Participations.Resuming;

public static class ResumeParticipation
{
    public static ParticipationResumed Decide(Participation participation, DateOnly today, Actor by, DateTimeOffset now)
    {
        participation.EnsureOpen();
        if (participation.Status != ParticipationStatus.Suspended)
            throw new DomainRuleViolation("participation-not-suspended", "The participation is not suspended.");
        if (!participation.InsuredOn(today))
            throw new DomainRuleViolation("insurance-lapsed", "No insurance policy is in force today; renew it before resuming.");
        return new ParticipationResumed(participation.Id, by, now);
    }

    public static Task<Ok<Changed>> Handle(Guid id, IDocumentSession session, TimeProvider clock, IOptions<JurisdictionProfile> profile,
        HttpContext http, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return session.Decide<Participation>(id, http, p => Decide(p, profile.Value.DateOf(now), Actor.From(http.User), now), ct);
    }
}
