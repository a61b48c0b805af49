using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.Releasing;

public sealed record ReleaseVersionRequest(
    string Version,
    string ArtifactSha256,
    string ChangeSummary,
    string TrainingDataSummary,
    string EvaluationSummary);

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

    public static void MapReleaseVersion(this RouteGroupBuilder systems) =>
        systems.MapPost("/{id:guid}/versions", async (Guid id, ReleaseVersionRequest request, IDocumentSession session,
                TimeProvider clock, ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var by = Actor.From(user);
                var stream = await AiSystemsModule.FetchForWritingAsync(session, http.Request, id, by, ct);
                var versionId = Guid.CreateVersion7();
                stream.AppendOne(Decide(stream.Aggregate!, versionId, request, by, clock.GetUtcNow()));
                await session.SaveChangesAsync(ct);
                var version = (stream.StartingVersion ?? 0) + 1;
                http.Response.SetStreamVersion(version);
                return Results.Created($"/api/v1/ai-systems/{id}", new VersionCreated(id, versionId, version));
            })
            .RequireAuthorization(Policies.Applicant)
            .WithValidation()
            .WithName("ReleaseVersion")
            .Produces<VersionCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
