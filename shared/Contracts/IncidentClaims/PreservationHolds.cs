namespace SandboxRegistry.Contracts.IncidentClaims;

/// <summary>
/// Triage linked a serious incident to a version: the version must stay as it is until the authorities have examined the
/// cause (AI Act art. 73(6)), so AiSystemRegistry refuses its recall and deprecation, and the system's withdrawal, until
/// the hold is lifted. Releasing a new version stays allowed.
/// </summary>
public sealed record PreservationHoldPlaced(
    SourceCitation Source,
    Guid HoldId,
    Guid IncidentId,
    Guid AiSystemId,
    Guid VersionId,
    string Version,
    DateTimeOffset PlacedAt) : ICitedMessage;

/// <summary>The regulator lifted the hold (or moved it to another version by correcting the link); Reason says why.</summary>
public sealed record PreservationHoldLifted(
    SourceCitation Source,
    Guid HoldId,
    Guid IncidentId,
    Guid AiSystemId,
    Guid VersionId,
    string Reason,
    DateTimeOffset LiftedAt) : ICitedMessage;
