using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.AiSystemRegistry.Deployments.Ending;
using SandboxRegistry.AiSystemRegistry.Participations;

namespace SandboxRegistry.AiSystemRegistry.Deployments.CorrectingPeriod;

/// <param name="EndedAt">For an ended deployment: the corrected instant it went out of service; omit it to keep the recorded one.</param>
public sealed record CorrectDeploymentPeriodRequest(DateTimeOffset From, DateTimeOffset? Until, DateTimeOffset? EndedAt,
    [property: FreeText] string Reason);

public sealed class CorrectDeploymentPeriodValidator : AbstractValidator<CorrectDeploymentPeriodRequest>
{
    public CorrectDeploymentPeriodValidator()
    {
        RuleFor(r => r.From).NotEmpty();
        RuleFor(r => r.Until).GreaterThan(r => r.From).When(r => r.Until is not null).WithMessage("'Until' must be after 'From'.");
        RuleFor(r => r.Reason).NotEmpty().MaximumLength(2000);
    }
}

public static class CorrectDeploymentPeriod
{
    /// <summary>
    /// A wrong period is corrected by a new fact that states why, never by changing the recorded one. The corrected period obeys
    /// the rules of a new deployment (within the participation's term) and of an end (not before the start, not after now).
    /// </summary>
    public static DeploymentPeriodCorrected Decide(Deployment deployment, KnownParticipation? participation, CorrectDeploymentPeriodRequest r,
        JurisdictionProfile profile, Actor by, DateTimeOffset now)
    {
        if (r.EndedAt is not null && deployment.Status != DeploymentStatus.Ended)
            throw new DomainRuleViolation("deployment-not-ended", "Only an ended deployment has an end to correct; end it instead.");
        if (participation is not null && (r.From < participation.TermStart(profile) || r.From >= participation.TermEnd(profile) || r.Until > participation.TermEnd(profile)))
            throw new DomainRuleViolation("period-outside-participation-term",
                $"The period must lie within the participation's term, {participation.StartsOn:yyyy-MM-dd} to {participation.EndsOn:yyyy-MM-dd}.");
        if ((r.EndedAt ?? deployment.EndedAt) is { } endedAt) EndDeployment.EnsureEndWithin(r.From, endedAt, now);
        if (r.From == deployment.From && r.Until == deployment.Until && (r.EndedAt is null || r.EndedAt == deployment.EndedAt))
            throw new DomainRuleViolation("period-unchanged", "The period given is the one recorded; there is nothing to correct.");
        return new DeploymentPeriodCorrected(deployment.Id, r.From, r.Until, r.EndedAt, r.Reason.Trim(), by, now);
    }

    public static Task<Ok<Changed>> Handle(Guid id, CorrectDeploymentPeriodRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        session.Decide<Deployment>(id, http, async d =>
        {
            var participation = await session.LoadAsync<KnownParticipation>(d.ParticipationId, ct);
            return (object)Decide(d, participation, request, profile.Value, Actor.From(http.User), clock.GetUtcNow());
        }, ct);
}
