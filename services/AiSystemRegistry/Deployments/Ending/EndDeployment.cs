using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.AiSystemRegistry.AiSystems;

namespace SandboxRegistry.AiSystemRegistry.Deployments.Ending;

public sealed record EndDeploymentRequest([property: FreeText] string Reason);

public sealed class EndDeploymentValidator : AbstractValidator<EndDeploymentRequest>
{
    public EndDeploymentValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2000);
}

public static class EndDeployment
{
    public static DeploymentEnded Decide(Deployment deployment, EndDeploymentRequest r, Actor by, DateTimeOffset now)
    {
        if (deployment.Status == DeploymentStatus.Ended)
            throw new DomainRuleViolation("deployment-ended", "The deployment has already ended.");
        return new DeploymentEnded(deployment.Id, r.Reason.Trim(), null, by, now);
    }

    public static Task<Ok<Changed>> Handle(Guid id, EndDeploymentRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Deployment>(id, http, d => Decide(d, request, Actor.From(http.User), clock.GetUtcNow()), ct);
}
