using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.Releasing;

public sealed record ReleaseVersionRequest(
    string Version,
    string ArtifactSha256,
    [property: FreeText] string ChangeSummary,
    [property: FreeText] string TrainingDataSummary,
    [property: FreeText] string EvaluationSummary);

public sealed class ReleaseVersionValidator : AbstractValidator<ReleaseVersionRequest>
{
    public ReleaseVersionValidator()
    {
        RuleFor(r => r.Version).NotEmpty().Must(SemanticVersion.IsValid)
            .WithMessage("'{PropertyName}' must be a semantic version (SemVer 2.0.0), e.g. 1.4.0 or 2.0.0-rc.1.");
        RuleFor(r => r.ArtifactSha256).NotEmpty().Sha256Hex();
        RuleFor(r => r.ChangeSummary).NotEmpty().MaximumLength(4000);
        RuleFor(r => r.TrainingDataSummary).NotEmpty().MaximumLength(4000);
        RuleFor(r => r.EvaluationSummary).NotEmpty().MaximumLength(4000);
    }
}

public sealed record VersionCreated(Guid AiSystemId, Guid VersionId, long Version);

public static class ReleaseVersion
{
    /// <summary>A version number names one artifact for good: it can be released once, and never edited.</summary>
    public static VersionReleased Decide(AiSystem system, Guid versionId, ReleaseVersionRequest r, Actor by, DateTimeOffset now)
    {
        AiSystemRules.EnsureActive(system);
        var identity = SemanticVersion.Identity(r.Version);
        if (system.Versions.Any(v => SemanticVersion.Identity(v.Number) == identity))
            throw new DomainRuleViolation("version-already-released",
                $"Version {identity} of this AI system was already released; a released version never changes: release a new number.");
        return new VersionReleased(system.Id, versionId, r.Version, r.ArtifactSha256.ToLowerInvariant(), r.ChangeSummary.Trim(),
            r.TrainingDataSummary.Trim(), r.EvaluationSummary.Trim(), by, now);
    }

    public static async Task<Created<VersionCreated>> Handle(Guid id, ReleaseVersionRequest request, IDocumentSession session,
        TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var versionId = Guid.CreateVersion7();
        var (_, changed) = await session.Decided<AiSystem, VersionReleased>(id, http,
            s => Task.FromResult(Decide(s, versionId, request, Actor.From(http.User), clock.GetUtcNow())), ct);
        return TypedResults.Created($"/api/v1/ai-systems/{id}", new VersionCreated(id, versionId, changed.Version));
    }
}
