namespace SandboxRegistry.Contracts.SandboxApplications;

/// <summary>A regulator established an experimental legal regime with its first programme version.</summary>
public sealed record RegimeEstablished(
    SourceCitation Source,
    Guid RegimeId,
    int ProgrammeVersion,
    string Title,
    string Direction,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    Money MinimumSumInsured,
    DateTimeOffset EstablishedAt) : ICitedMessage;
