using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.AiSystemRegistry.AiSystems;

namespace SandboxRegistry.AiSystemRegistry.Deployments.Ending;

public sealed record EndDeploymentRequest(string Reason);

public sealed class EndDeploymentValidator : AbstractValidator<EndDeploymentRequest>
{
    public EndDeploymentValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2000);
}

public static class EndDeployment
{
    public static DeploymentEnded Decide(Deployment deployment, EndDeploymentRequest r, Actor by, DateTimeOffset now)
    {
        if (!by.Sees(deployment.OwnerOgrn)) throw new ResourceNotFound("No such deployment.");
        if (deployment.Status == DeploymentStatus.Ended)
            throw new DomainRuleViolation("deployment-ended", "The deployment has already ended.");
        return new DeploymentEnded(deployment.Id, r.Reason.Trim(), null, by, now);
    }

    public static void MapEndDeployment(this RouteGroupBuilder deployments) =>
        deployments.MapPost("/{id:guid}/end", async (Guid id, EndDeploymentRequest request, IDocumentSession session, TimeProvider clock,
                ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var stream = await session.Events.FetchForWriting<Deployment>(id, ct);
                var deployment = stream.Aggregate ?? throw new ResourceNotFound("No such deployment.");
                var ended = Decide(deployment, request, Actor.From(user), clock.GetUtcNow());
                stream.EnsureExpectedVersion(http.Request);
                stream.AppendOne(ended);
                await session.SaveChangesAsync(ct);
                return AiSystemsModule.Changed(http.Response, id, (stream.StartingVersion ?? 0) + 1);
            })
            .RequireAuthorization(Access.OwnerOrRegulatorPolicy)
            .WithValidation()
            .WithName("EndDeployment")
            .Produces<Changed>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
