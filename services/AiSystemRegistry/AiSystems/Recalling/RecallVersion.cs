using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.AiSystemRegistry.Deployments;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.Recalling;

public sealed record RecallVersionRequest([property: FreeText] string Reason);

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
        AiSystemRules.EnsureNotHeld(version, "recalled");
        return new VersionRecalled(system.Id, versionId, version.Number, r.Reason.Trim(), by, now);
    }

    /// <summary>A recalled version's deployments end in the same transaction as the recall.</summary>
    public static Task<Ok<Changed>> Handle(Guid id, Guid versionId, RecallVersionRequest request, IDocumentSession session,
        TimeProvider clock, HttpContext http, CancellationToken ct) =>
        session.Decide<AiSystem>(id, http, async system =>
        {
            var now = clock.GetUtcNow();
            var recalled = Decide(system, versionId, request, Actor.From(http.User), now);
            await DeploymentsModule.CascadeAsync(session, d => d.VersionId == versionId,
                d => Deployment.EndOnItsOwn(d, $"Version {recalled.Version} was recalled: {recalled.Reason}", null, now, now), ct);
            return (object)recalled;
        }, ct);
}
