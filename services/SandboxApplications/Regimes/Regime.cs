using SandboxRegistry.Contracts;

namespace SandboxRegistry.SandboxApplications.Regimes;

/// <summary>Fields of 258-FZ art. 9 that a regime programme must fix.</summary>
public enum Direction
{
    Medicine, Transport, UnmannedAircraft, Agriculture, Finance, DistanceSelling, Construction, StateServices, Industry, Other,
}

public enum RegimeStatus { Active, Suspended, Terminated, Expired }

/// <summary>Harm a participant's civil liability policy covers (169-FZ: life, health or property of others).</summary>
public enum InsuredRisk { Life, Health, Property }

/// <summary>The act that establishes the regime (258-FZ art. 8: a decree of the Government or the Bank of Russia).</summary>
public sealed record LegalBasis(string ActNumber, DateOnly ActDate)
{
    public override string ToString() => $"{ActNumber} of {ActDate:yyyy-MM-dd}";
}

/// <summary>The insurance a programme demands of every participant (258-FZ art. 9 as amended by 169-FZ).</summary>
public sealed record InsuranceRequirements(Money MinimumSumInsured, IReadOnlyList<InsuredRisk> RequiredRisks, bool AiHarmCoverRequired);

/// <summary>A result the programme expects of the regime, and how it is measured (258-FZ art. 9).</summary>
public sealed record ExpectedResult(string Result, string Measure);

/// <summary>One version of a regime's programme: the conditions a participant must meet.</summary>
public sealed record Programme(
    string Title,
    Direction Direction,
    LegalBasis LegalBasis,
    string? Description,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    IReadOnlyList<string> DisappliedNorms,
    IReadOnlyList<string> SubjectRequirements,
    InsuranceRequirements Insurance)
{
    /// <summary>What the regime is expected to achieve; an exit report answers each (empty in programmes written before).</summary>
    public IReadOnlyList<ExpectedResult> ExpectedResults { get; init; } = [];
}

public sealed record RegimeEstablished(Guid RegimeId, Programme Programme, Actor EstablishedBy, DateTimeOffset EstablishedAt)
{
    /// <summary>The initiative proposal the regime was established from (258-FZ art. 6), or null when a regulator established it.</summary>
    public Guid? ProposalId { get; init; }
}

/// <summary>A new programme version replaces the current one; earlier versions stay in the stream.</summary>
public sealed record RegimeAmended(Guid RegimeId, int ProgrammeVersion, Programme Programme, string Reason, Actor AmendedBy,
    DateTimeOffset AmendedAt);

public sealed record RegimeSuspended(Guid RegimeId, string Reason, Actor SuspendedBy, DateTimeOffset SuspendedAt);

public sealed record RegimeResumed(Guid RegimeId, Actor ResumedBy, DateTimeOffset ResumedAt);

public sealed record RegimeTerminated(Guid RegimeId, string Reason, Actor TerminatedBy, DateTimeOffset TerminatedAt);

/// <summary>The programme's term ended (recorded by the service on the first day after <see cref="EndedOn"/>).</summary>
public sealed record RegimeExpired(Guid RegimeId, DateOnly EndedOn, DateTimeOffset ExpiredAt);

/// <summary>What decisions about a regime need to know.</summary>
public sealed record Regime(Guid Id, RegimeStatus Status, int ProgrammeVersion, Programme Programme)
{
    /// <summary>
    /// The first programme's start: the maximum term (258-FZ art. 10) runs from here, so amendments that move the start
    /// later cannot lengthen the regime step by step.
    /// </summary>
    public DateOnly TermAnchor { get; init; }

    public bool IsClosed => Status is RegimeStatus.Terminated or RegimeStatus.Expired;

    public static Regime Create(RegimeEstablished e) => new(e.RegimeId, RegimeStatus.Active, 1, e.Programme)
    {
        TermAnchor = e.Programme.StartsOn,
    };

    public Regime Apply(RegimeAmended e) => this with { ProgrammeVersion = e.ProgrammeVersion, Programme = e.Programme };
    public Regime Apply(RegimeSuspended _) => this with { Status = RegimeStatus.Suspended };
    public Regime Apply(RegimeResumed _) => this with { Status = RegimeStatus.Active };
    public Regime Apply(RegimeTerminated _) => this with { Status = RegimeStatus.Terminated };
    public Regime Apply(RegimeExpired _) => this with { Status = RegimeStatus.Expired };

}
