using System.Security.Claims;
using Marten;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.Deprecating;

public static class DeprecateVersion
{
    /// <summary>A deprecated version takes no new deployments; those already running go on until ended.</summary>
    public static VersionDeprecated Decide(AiSystem system, Guid versionId, Actor by, DateTimeOffset now)
    {
        AiSystemRules.EnsureNotWithdrawn(system);
        var version = AiSystemRules.KnownVersion(system, versionId);
        return version.Status switch
        {
            VersionStatus.Released => new VersionDeprecated(system.Id, versionId, version.Number, by, now),
            VersionStatus.Deprecated => throw new DomainRuleViolation("version-deprecated", $"Version {version.Number} is already deprecated."),
            _ => throw new DomainRuleViolation("version-recalled", $"Version {version.Number} was recalled."),
        };
    }

    public static void MapDeprecateVersion(this RouteGroupBuilder systems) =>
        systems.MapPost("/{id:guid}/versions/{versionId:guid}/deprecation", async (Guid id, Guid versionId, IDocumentSession session,
                TimeProvider clock, ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var by = Actor.From(user);
                var stream = await AiSystemsModule.FetchForWritingAsync(session, http.Request, id, by, ct);
                stream.AppendOne(Decide(stream.Aggregate!, versionId, by, clock.GetUtcNow()));
                await session.SaveChangesAsync(ct);
                return AiSystemsModule.Changed(http.Response, id, (stream.StartingVersion ?? 0) + 1);
            })
            .RequireAuthorization(Policies.Applicant)
            .WithName("DeprecateVersion")
            .Produces<Changed>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
