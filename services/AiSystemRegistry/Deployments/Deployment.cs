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

/// <summary>The deployment stopped for good at <paramref name="EndedAt"/> (valid time), recorded at <paramref name="RecordedAt"/>.</summary>
/// <param name="EndedAt">When it went out of service; in the past when recorded after the fact, never after it was recorded.</param>
/// <param name="RecordedAt">When the registry recorded it; null on events recorded before the two could differ (then EndedAt).</param>
public sealed record DeploymentEnded(Guid DeploymentId, string Reason, SourceCitation? Cause, Actor EndedBy, DateTimeOffset EndedAt,
    DateTimeOffset? RecordedAt = null);

/// <summary>
/// The period recorded earlier was wrong: from now on the registry holds <paramref name="From"/> to <paramref name="Until"/> (and, for
/// an ended deployment, <paramref name="EndedAt"/>) as the period it was in service. A correction, never an edit: what was recorded
/// before stays in the stream, and reads as known before <paramref name="CorrectedAt"/> still answer with it.
/// </summary>
public sealed record DeploymentPeriodCorrected(Guid DeploymentId, DateTimeOffset From, DateTimeOffset? Until, DateTimeOffset? EndedAt,
    string Reason, Actor CorrectedBy, DateTimeOffset CorrectedAt);

/// <summary>What decisions about a deployment need to know.</summary>
public sealed record Deployment(Guid Id, Guid AiSystemId, Guid VersionId, Guid ParticipationId, string OwnerOgrn, DeploymentStatus Status,
    DateTimeOffset From, DateTimeOffset? Until, DateTimeOffset? EndedAt) : IOwned
{
    ResourceOwner IOwned.Owner => ResourceOwner.Company(OwnerOgrn);

    public static Deployment Create(AiSystemDeployed e) =>
        new(e.DeploymentId, e.AiSystemId, e.VersionId, e.ParticipationId, e.OwnerOgrn, DeploymentStatus.Active, e.From, e.Until, null);

    public Deployment Apply(DeploymentSuspended _) => this with { Status = DeploymentStatus.Suspended };

    public Deployment Apply(DeploymentResumed _) => this with { Status = DeploymentStatus.Active };

    public Deployment Apply(DeploymentEnded e) => this with { Status = DeploymentStatus.Ended, EndedAt = e.EndedAt };

    public Deployment Apply(DeploymentPeriodCorrected e) => this with { From = e.From, Until = e.Until, EndedAt = e.EndedAt ?? EndedAt };

    /// <summary>The registry itself acts when a participation, a version or a system changes; it is the recorded actor.</summary>
    public static readonly Actor Registry = new($"service:{ServiceNames.AiSystemRegistry}", "service", null, null);

    /// <summary>Suspends an active deployment; a suspended or ended one stays as it is.</summary>
    public static DeploymentSuspended? SuspendOnItsOwn(Deployment d, string reason, SourceCitation? cause, DateTimeOffset at) =>
        d.Status == DeploymentStatus.Active ? new DeploymentSuspended(d.Id, reason, cause, Registry, at) : null;

    /// <summary>Resumes a suspended deployment; an active or ended one stays as it is.</summary>
    public static DeploymentResumed? ResumeOnItsOwn(Deployment d, SourceCitation? cause, DateTimeOffset at) =>
        d.Status == DeploymentStatus.Suspended ? new DeploymentResumed(d.Id, cause, Registry, at) : null;

    /// <summary>
    /// Ends a deployment that has not ended yet, at <paramref name="at"/> (the cause's own time), recorded at
    /// <paramref name="now"/>. A cause dated before the deployment's period began ends it at its start, never before.
    /// </summary>
    public static DeploymentEnded? EndOnItsOwn(Deployment d, string reason, SourceCitation? cause, DateTimeOffset at, DateTimeOffset now) =>
        d.Status != DeploymentStatus.Ended
            ? new DeploymentEnded(d.Id, reason, cause, Registry, Min(Max(at, d.From), now), now)
            : null;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>When each event of a deployment stream was recorded, by the clock of the decision that made it.</summary>
    public static DateTimeOffset RecordedAt(object e) => e switch
    {
        AiSystemDeployed x => x.DeployedAt,
        DeploymentSuspended x => x.SuspendedAt,
        DeploymentResumed x => x.ResumedAt,
        DeploymentEnded x => x.RecordedAt ?? x.EndedAt,
        DeploymentPeriodCorrected x => x.CorrectedAt,
        _ => DateTimeOffset.MinValue,
    };

    public static readonly Type[] EventTypes =
    [
        typeof(AiSystemDeployed), typeof(DeploymentSuspended), typeof(DeploymentResumed), typeof(DeploymentEnded),
        typeof(DeploymentPeriodCorrected),
    ];
}
