namespace SandboxRegistry.Contracts.AiSystemRegistry;

/// <summary>The registry applied a preservation hold to the version: from AppliedAt its recall and deprecation are refused.</summary>
public sealed record PreservationHoldApplied(
    SourceCitation Source,
    Guid HoldId,
    Guid IncidentId,
    Guid AiSystemId,
    Guid VersionId,
    string Version,
    DateTimeOffset AppliedAt) : ICitedMessage;

/// <summary>The registry removed a lifted hold from the version; StillHeld says whether other incidents still hold it.</summary>
public sealed record PreservationHoldReleased(
    SourceCitation Source,
    Guid HoldId,
    Guid IncidentId,
    Guid AiSystemId,
    Guid VersionId,
    string Version,
    bool StillHeld,
    DateTimeOffset ReleasedAt) : ICitedMessage;
