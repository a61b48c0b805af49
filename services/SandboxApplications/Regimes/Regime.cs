using SandboxRegistry.Contracts;
using SandboxRegistry.ServiceDefaults;

namespace SandboxRegistry.SandboxApplications.Regimes;

/// <summary>Fields of 258-FZ art. 9 that a regime programme must fix.</summary>
public enum Direction
{
    Medicine, Transport, UnmannedAircraft, Agriculture, Finance, DistanceSelling, Construction, StateServices, Industry, Other,
}

public enum RegimeStatus { Active }

/// <summary>One version of a regime's programme: the conditions a participant must meet.</summary>
public sealed record Programme(
    string Title,
    Direction Direction,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    Money MinimumSumInsured);

public sealed record RegimeEstablished(Guid RegimeId, Programme Programme, Actor EstablishedBy, DateTimeOffset EstablishedAt);

/// <summary>What decisions about a regime need to know.</summary>
public sealed record Regime(Guid Id, RegimeStatus Status, int ProgrammeVersion, Programme Programme)
{
    public static Regime Create(RegimeEstablished e) => new(e.RegimeId, RegimeStatus.Active, 1, e.Programme);
}
