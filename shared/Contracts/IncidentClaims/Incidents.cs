namespace SandboxRegistry.Contracts.IncidentClaims;

/// <param name="Type">death, injuryToHealth, damageToPersonProperty or damageToOrganisationProperty.</param>
/// <param name="Severity">minor, serious or critical.</param>
public sealed record HarmSummary(string Type, string Severity, int PersonsAffected, Money? EstimatedDamage);

/// <summary>A harm report was filed through an integration. Carries no personal data of the reporter.</summary>
public sealed record HarmIncidentReported(
    SourceCitation Source,
    Guid IncidentId,
    string Channel,
    string Title,
    string RegionCode,
    DateTimeOffset OccurredAt,
    DateTimeOffset AwareAt,
    IReadOnlyList<HarmSummary> Harms,
    bool Serious,
    Guid? ClaimedAiSystemId,
    string? ClaimedVersion,
    DateTimeOffset ReportedAt) : ICitedMessage;

/// <summary>Triage linked the incident to an AI system version (resolved from deployments, or explicitly).</summary>
/// <param name="Explicit">True when the regulator linked it without a matching deployment; then Reason says why.</param>
public sealed record IncidentLinkedToAiSystem(
    SourceCitation Source,
    Guid IncidentId,
    Guid AiSystemId,
    Guid VersionId,
    string Version,
    Guid? DeploymentId,
    Guid? ParticipationId,
    bool Explicit,
    string? Reason,
    DateTimeOffset LinkedAt) : ICitedMessage;

public sealed record CommissionConvened(
    SourceCitation Source, Guid IncidentId, DateOnly MeetingDate, int Members, DateTimeOffset ConvenedAt) : ICitedMessage;

/// <summary>Values of CommissionConclusionIssued.Recommendations.</summary>
public static class Recommendations
{
    public const string SuspendParticipation = "suspendParticipation";
    public const string TerminateParticipation = "terminateParticipation";
    public const string AmendProgramme = "amendProgramme";
    public const string RecallVersion = "recallVersion";
    public const string None = "none";
}

/// <summary>The harm commission's conclusion was signed by its chair.</summary>
/// <param name="CausalLink">established, likely, notEstablished or inconclusive.</param>
/// <param name="Recommendations">Values of <see cref="Recommendations"/>.</param>
public sealed record CommissionConclusionIssued(
    SourceCitation Source,
    Guid IncidentId,
    Guid? AiSystemId,
    Guid? VersionId,
    Guid? ParticipationId,
    string CausalLink,
    IReadOnlyList<string> Recommendations,
    Money? DamageAssessed,
    DateTimeOffset SignedAt) : ICitedMessage;

/// <param name="Outcome">paid or denied.</param>
public sealed record InsuranceClaimSettled(
    SourceCitation Source, Guid IncidentId, Guid ClaimId, string Outcome, Money? AmountPaid, string? Reason,
    DateTimeOffset SettledAt) : ICitedMessage;

public sealed record IncidentClosed(SourceCitation Source, Guid IncidentId, string Outcome, DateTimeOffset ClosedAt) : ICitedMessage;
