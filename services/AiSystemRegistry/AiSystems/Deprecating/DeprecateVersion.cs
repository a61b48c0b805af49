using Microsoft.AspNetCore.Http.HttpResults;
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
        if (version.Status == VersionStatus.Released) AiSystemRules.EnsureNotHeld(version, "deprecated");
        return version.Status switch
        {
            VersionStatus.Released => new VersionDeprecated(system.Id, versionId, version.Number, by, now),
            VersionStatus.Deprecated => throw new DomainRuleViolation("version-deprecated", $"Version {version.Number} is already deprecated."),
            _ => throw new DomainRuleViolation("version-recalled", $"Version {version.Number} was recalled."),
        };
    }

    public static Task<Ok<Changed>> Handle(Guid id, Guid versionId, IDocumentSession session, TimeProvider clock, HttpContext http,
        CancellationToken ct) =>
        session.Decide<AiSystem>(id, http, s => Decide(s, versionId, Actor.From(http.User), clock.GetUtcNow()), ct);
}
