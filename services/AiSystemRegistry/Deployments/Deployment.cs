using SandboxRegistry.Contracts;

namespace SandboxRegistry.AiSystemRegistry.Deployments;

public enum DeploymentStatus { Active, Suspended, Ended }

/// <summary>A released version was put into service under a participation, in a territory, for a period.</summary>
/// <param name="Until">End of the planned period (exclusive); null when open-ended within the participation's term.</param>
public sealed record AiSystemDeployed(
    Guid DeploymentId,
    Guid AiSystemId,
    Guid VersionId,
    string Version,
    string ArtifactSha256,
    Guid ParticipationId,
    string OwnerOgrn,
    IReadOnlyList<string> Territory,
    DateTimeOffset From,
    DateTimeOffset? Until,
    Actor DeployedBy,
    DateTimeOffset DeployedAt);

/// <param name="Cause">The message that caused it when the registry acted on its own (e.g. the participation was suspended).</param>
public sealed record DeploymentSuspended(Guid DeploymentId, string Reason, SourceCitation? Cause, Actor SuspendedBy, DateTimeOffset SuspendedAt);

public sealed record DeploymentResumed(Guid DeploymentId, SourceCitation? Cause, Actor ResumedBy, DateTimeOffset ResumedAt);

public sealed record DeploymentEnded(Guid DeploymentId, string Reason, SourceCitation? Cause, Actor EndedBy, DateTimeOffset EndedAt);

/// <summary>What decisions about a deployment need to know.</summary>
public sealed record Deployment(Guid Id, Guid AiSystemId, Guid VersionId, Guid ParticipationId, string OwnerOgrn, DeploymentStatus Status)
    : IOwned
{
    ResourceOwner IOwned.Owner => ResourceOwner.Company(OwnerOgrn);

    public static Deployment Create(AiSystemDeployed e) =>
        new(e.DeploymentId, e.AiSystemId, e.VersionId, e.ParticipationId, e.OwnerOgrn, DeploymentStatus.Active);

    public Deployment Apply(DeploymentSuspended _) => this with { Status = DeploymentStatus.Suspended };

    public Deployment Apply(DeploymentResumed _) => this with { Status = DeploymentStatus.Active };

    public Deployment Apply(DeploymentEnded _) => this with { Status = DeploymentStatus.Ended };

    /// <summary>The registry itself acts when a participation, a version or a system changes; it is the recorded actor.</summary>
    public static readonly Actor Registry = new($"service:{ServiceNames.AiSystemRegistry}", "service", null, null);

    /// <summary>Suspends an active deployment; a suspended or ended one stays as it is.</summary>
    public static DeploymentSuspended? SuspendOnItsOwn(Deployment d, string reason, SourceCitation? cause, DateTimeOffset at) =>
        d.Status == DeploymentStatus.Active ? new DeploymentSuspended(d.Id, reason, cause, Registry, at) : null;

    /// <summary>Resumes a suspended deployment; an active or ended one stays as it is.</summary>
    public static DeploymentResumed? ResumeOnItsOwn(Deployment d, SourceCitation? cause, DateTimeOffset at) =>
        d.Status == DeploymentStatus.Suspended ? new DeploymentResumed(d.Id, cause, Registry, at) : null;

    /// <summary>Ends a deployment that has not ended yet.</summary>
    public static DeploymentEnded? EndOnItsOwn(Deployment d, string reason, SourceCitation? cause, DateTimeOffset at) =>
        d.Status != DeploymentStatus.Ended ? new DeploymentEnded(d.Id, reason, cause, Registry, at) : null;

    /// <summary>When each event of a deployment stream happened, by the clock of the decision that made it.</summary>
    public static DateTimeOffset OccurredAt(object e) => e switch
    {
        AiSystemDeployed x => x.DeployedAt,
        DeploymentSuspended x => x.SuspendedAt,
        DeploymentResumed x => x.ResumedAt,
        DeploymentEnded x => x.EndedAt,
        _ => DateTimeOffset.MinValue,
    };
}
