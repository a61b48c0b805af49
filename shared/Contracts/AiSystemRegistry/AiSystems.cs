namespace SandboxRegistry.Contracts.AiSystemRegistry;

/// <param name="AutonomyLevel">humanInTheLoop, humanOnTheLoop or autonomous.</param>
/// <param name="DeveloperId">OGRN, INN or a foreign registration id of the developer, when known.</param>
public sealed record AiSystemRegistered(
    SourceCitation Source,
    Guid AiSystemId,
    string OwnerOgrn,
    string Name,
    string IntendedPurpose,
    string Direction,
    string DeveloperName,
    string? DeveloperId,
    string OperatorName,
    string AutonomyLevel,
    string RiskClass,
    string Technique,
    DateTimeOffset RegisteredAt) : ICitedMessage;

/// <summary>A version was released; it never changes afterwards.</summary>
public sealed record AiSystemVersionReleased(
    SourceCitation Source,
    Guid AiSystemId,
    Guid VersionId,
    string Version,
    string ArtifactSha256,
    DateTimeOffset ReleasedAt,
    string ChangeSummary) : ICitedMessage;

public sealed record AiSystemVersionRecalled(
    SourceCitation Source, Guid AiSystemId, Guid VersionId, string Version, string Reason, DateTimeOffset RecalledAt) : ICitedMessage;

public sealed record AiSystemSuspended(SourceCitation Source, Guid AiSystemId, string Reason, DateTimeOffset SuspendedAt) : ICitedMessage;

public sealed record AiSystemWithdrawn(SourceCitation Source, Guid AiSystemId, string Reason, DateTimeOffset WithdrawnAt) : ICitedMessage;

/// <summary>A released version was put into service under a participation, in a territory, for a period.</summary>
/// <param name="Until">End of the planned period; null when open-ended within the participation's term.</param>
public sealed record AiSystemDeployed(
    SourceCitation Source,
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
    DateTimeOffset DeployedAt) : ICitedMessage;

public sealed record DeploymentSuspended(SourceCitation Source, Guid DeploymentId, string Reason, DateTimeOffset SuspendedAt) : ICitedMessage;

public sealed record DeploymentResumed(SourceCitation Source, Guid DeploymentId, DateTimeOffset ResumedAt) : ICitedMessage;

/// <summary>The deployment stopped for good at <paramref name="EndedAt"/> (valid time: in the past when recorded after the fact).</summary>
/// <param name="RecordedAt">When the registry recorded the end; absent from messages of before, where it equals EndedAt.</param>
public sealed record DeploymentEnded(SourceCitation Source, Guid DeploymentId, string Reason, DateTimeOffset EndedAt,
    DateTimeOffset? RecordedAt = null) : ICitedMessage;

/// <summary>
/// The registry corrected the period it holds for a deployment: from <paramref name="From"/> to <paramref name="Until"/>, and, when
/// given, the instant it ended. A new fact with its reason; what was recorded before stays on record.
/// </summary>
public sealed record DeploymentPeriodCorrected(SourceCitation Source, Guid DeploymentId, DateTimeOffset From, DateTimeOffset? Until,
    DateTimeOffset? EndedAt, string Reason, DateTimeOffset CorrectedAt) : ICitedMessage;
