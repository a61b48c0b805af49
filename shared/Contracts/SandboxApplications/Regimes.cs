namespace SandboxRegistry.Contracts.SandboxApplications;

/// <summary>The insurance a programme demands of every participant (258-FZ art. 9 as amended by 169-FZ).</summary>
/// <param name="RequiredRisks">Values of <see cref="InsuredRisks"/>.</param>
/// <param name="AiHarmCoverRequired">Whether the policy must cover harm caused by AI solutions.</param>
public sealed record InsuranceRequirements(Money MinimumSumInsured, IReadOnlyList<string> RequiredRisks, bool AiHarmCoverRequired);

public static class InsuredRisks
{
    public const string Life = "life";
    public const string Health = "health";
    public const string Property = "property";
}

/// <summary>A regulator established an experimental legal regime with its first programme version.</summary>
/// <param name="Direction">camelCase direction: medicine, transport, unmannedAircraft, agriculture, finance,
/// distanceSelling, construction, stateServices, industry, other.</param>
/// <param name="LegalBasis">The act that establishes the regime, e.g. "Government Decree No. 1234 of 2025-12-01".</param>
/// <param name="ProposalId">The initiative proposal the regime was established from; null when a regulator established it directly.</param>
public sealed record RegimeEstablished(
    SourceCitation Source,
    Guid RegimeId,
    int ProgrammeVersion,
    string Title,
    string Direction,
    string? LegalBasis,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    InsuranceRequirements Insurance,
    DateTimeOffset EstablishedAt,
    Guid? ProposalId = null) : ICitedMessage;

/// <summary>A new programme version replaced the current one; earlier versions stay valid for what happened under them.</summary>
public sealed record RegimeAmended(
    SourceCitation Source,
    Guid RegimeId,
    int ProgrammeVersion,
    string Title,
    string Direction,
    string? LegalBasis,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    InsuranceRequirements Insurance,
    DateTimeOffset AmendedAt) : ICitedMessage;

public sealed record RegimeSuspended(SourceCitation Source, Guid RegimeId, string Reason, DateTimeOffset SuspendedAt) : ICitedMessage;

public sealed record RegimeResumed(SourceCitation Source, Guid RegimeId, DateTimeOffset ResumedAt) : ICitedMessage;

public sealed record RegimeTerminated(SourceCitation Source, Guid RegimeId, string Reason, DateTimeOffset TerminatedAt) : ICitedMessage;

/// <summary>The regime's term ended.</summary>
public sealed record RegimeExpired(SourceCitation Source, Guid RegimeId, DateOnly EndedOn, DateTimeOffset ExpiredAt) : ICitedMessage;
