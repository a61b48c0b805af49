using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.AiSystemRegistry.Deployments;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.Recalling;

public sealed record RecallVersionRequest(string Reason);

public sealed class RecallVersionValidator : AbstractValidator<RecallVersionRequest>
{
    public RecallVersionValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2000);
}

public static class RecallVersion
{
    /// <summary>The owner or the regulator takes a version out of service for good; a withdrawn system's versions too.</summary>
    public static VersionRecalled Decide(AiSystem system, Guid versionId, RecallVersionRequest r, Actor by, DateTimeOffset now)
    {
        var version = AiSystemRules.KnownVersion(system, versionId);
        if (version.Status == VersionStatus.Recalled)
            throw new DomainRuleViolation("version-recalled", $"Version {version.Number} was already recalled.");
        return new VersionRecalled(system.Id, versionId, version.Number, r.Reason.Trim(), by, now);
    }

    /// <summary>A recalled version's deployments end in the same transaction as the recall.</summary>
    public static void MapRecallVersion(this RouteGroupBuilder systems) =>
        systems.MapPost("/{id:guid}/versions/{versionId:guid}/recall", async (Guid id, Guid versionId, RecallVersionRequest request,
                IDocumentSession session, TimeProvider clock, ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var by = Actor.From(user);
                var now = clock.GetUtcNow();
                var stream = await AiSystemsModule.FetchForWritingAsync(session, http.Request, id, by, ct);
                var recalled = Decide(stream.Aggregate!, versionId, request, by, now);
                stream.AppendOne(recalled);
                await DeploymentsModule.CascadeAsync(session, d => d.VersionId == versionId,
                    d => Deployment.EndOnItsOwn(d, $"Version {recalled.Version} was recalled: {recalled.Reason}", null, now), ct);
                await session.SaveChangesAsync(ct);
                return AiSystemsModule.Changed(http.Response, id, (stream.StartingVersion ?? 0) + 1);
            })
            .RequireAuthorization(Access.OwnerOrRegulatorPolicy)
            .WithValidation()
            .WithName("RecallVersion")
            .Produces<Changed>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
