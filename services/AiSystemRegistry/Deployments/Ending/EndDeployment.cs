using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.AiSystemRegistry.AiSystems;

namespace SandboxRegistry.AiSystemRegistry.Deployments.Ending;

/// <param name="EndedAt">When the deployment went out of service; omit it for now. A replacement made days ago is recorded
/// with the instant it happened, so the old and the new version do not overlap.</param>
public sealed record EndDeploymentRequest([property: FreeText] string Reason, DateTimeOffset? EndedAt = null);

public sealed class EndDeploymentValidator : AbstractValidator<EndDeploymentRequest>
{
    public EndDeploymentValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2000);
}

public static class EndDeployment
{
    /// <summary>
    /// The end is a fact with its own time (valid time), recorded now: it may lie in the past, but not before the deployment's
    /// period began (it would never have been in service) and not after now (that is a planned end: the period's until).
    /// </summary>
    public static DeploymentEnded Decide(Deployment deployment, EndDeploymentRequest r, Actor by, DateTimeOffset now)
    {
        if (deployment.Status == DeploymentStatus.Ended)
            throw new DomainRuleViolation("deployment-ended", "The deployment has already ended.");
        var endedAt = r.EndedAt ?? now;
        EnsureEndWithin(deployment.From, endedAt, now);
        return new DeploymentEnded(deployment.Id, r.Reason.Trim(), null, by, endedAt, now);
    }

    public static void EnsureEndWithin(DateTimeOffset from, DateTimeOffset endedAt, DateTimeOffset now)
    {
        if (endedAt < from)
            throw new DomainRuleViolation("ended-before-start",
                $"'endedAt' ({endedAt:O}) is before the deployment's period began ({from:O}).");
        if (endedAt > now)
            throw new DomainRuleViolation("ended-in-future",
                $"'endedAt' ({endedAt:O}) is after now: a deployment ends at or before the moment it is recorded; a planned end is its 'until'.");
    }

    public static Task<Ok<Changed>> Handle(Guid id, EndDeploymentRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Deployment>(id, http, d => Decide(d, request, Actor.From(http.User), clock.GetUtcNow()), ct);
}
