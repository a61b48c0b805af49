using System.Text.RegularExpressions;
using SandboxRegistry.Contracts;

namespace SandboxRegistry.AiSystemRegistry.AiSystems;

/// <summary>Directions of 258-FZ art. 1, as SandboxApplications names them.</summary>
public enum Direction
{
    Medicine, Transport, UnmannedAircraft, Agriculture, Finance, DistanceSelling, Construction, StateServices, Industry, Other,
}

/// <summary>How much a person controls the system's decisions.</summary>
public enum AutonomyLevel { HumanInTheLoop, HumanOnTheLoop, Autonomous }

/// <summary>Risk classes after EU AI Act art. 6 and Annex III; prohibited practices (art. 5) cannot be registered.</summary>
public enum RiskClass { Minimal, Limited, High }

public enum Technique
{
    ComputerVision, LanguageModel, SpeechRecognition, Scoring, Recommendation, Forecasting, Robotics, Other,
}

/// <summary>Who built the system: a Russian company (OGRN or INN) or a foreign one (its registration id).</summary>
public sealed record Developer(string Name, string? Ogrn, string? Inn, string? ForeignRegistrationId)
{
    public string? Id => Ogrn ?? Inn ?? ForeignRegistrationId;
}

public sealed record AiSystemDescription(
    string Name,
    string Description,
    string IntendedPurpose,
    Direction Direction,
    Developer Developer,
    string OperatorName,
    AutonomyLevel AutonomyLevel,
    RiskClass RiskClass,
    Technique Technique);

public sealed record AiSystemRegistered(Guid AiSystemId, string OwnerOgrn, AiSystemDescription Description, Actor RegisteredBy,
    DateTimeOffset RegisteredAt);

public sealed record AiSystemSuspended(Guid AiSystemId, string Reason, Actor SuspendedBy, DateTimeOffset SuspendedAt);

public sealed record AiSystemWithdrawn(Guid AiSystemId, string Reason, Actor WithdrawnBy, DateTimeOffset WithdrawnAt);

/// <summary>A version was released. Nothing in it changes afterwards; only its status moves on.</summary>
public sealed record VersionReleased(
    Guid AiSystemId,
    Guid VersionId,
    string Version,
    string ArtifactSha256,
    string ChangeSummary,
    string TrainingDataSummary,
    string EvaluationSummary,
    Actor ReleasedBy,
    DateTimeOffset ReleasedAt);

public sealed record VersionDeprecated(Guid AiSystemId, Guid VersionId, string Version, Actor DeprecatedBy, DateTimeOffset DeprecatedAt);

public sealed record VersionRecalled(Guid AiSystemId, Guid VersionId, string Version, string Reason, Actor RecalledBy, DateTimeOffset RecalledAt);

/// <summary>IncidentClaims linked a harm incident to this version.</summary>
public sealed record IncidentLinkedToVersion(Guid AiSystemId, Guid VersionId, Guid IncidentId, Guid? DeploymentId, bool Explicit,
    SourceCitation Source, DateTimeOffset LinkedAt);

/// <summary>
/// The harm commission concluded on an incident involving this version (258-FZ art. 18.1 as amended by 169-FZ).
/// A recommendation to recall flags the version for its owner and the regulator; it does not recall it by itself.
/// </summary>
public sealed record CommissionConclusionRecorded(Guid AiSystemId, Guid VersionId, Guid IncidentId, string CausalLink,
    IReadOnlyList<string> Recommendations, SourceCitation Source, DateTimeOffset SignedAt);

/// <summary>
/// IncidentClaims put the version on preservation hold for a serious incident (AI Act art. 73(6)): until every hold is lifted
/// the version may not be recalled or deprecated, nor the system withdrawn. <paramref name="AppliedAt"/> is when this service
/// recorded it; from then on it refuses.
/// </summary>
public sealed record VersionPlacedOnHold(Guid AiSystemId, Guid VersionId, string Version, Guid HoldId, Guid IncidentId,
    SourceCitation Source, DateTimeOffset PlacedAt, DateTimeOffset AppliedAt);

/// <summary>The regulator lifted one hold on the version; the version stays held while any other hold remains.</summary>
/// <param name="StillHeld">Whether other holds remain on the version after this one.</param>
public sealed record VersionHoldLifted(Guid AiSystemId, Guid VersionId, string Version, Guid HoldId, Guid IncidentId, string Reason,
    SourceCitation Source, DateTimeOffset LiftedAt, DateTimeOffset ReleasedAt, bool StillHeld);

public enum AiSystemStatus { Active, Suspended, Withdrawn }

public enum VersionStatus { Released, Deprecated, Recalled }

public sealed record VersionState(Guid Id, string Number, string ArtifactSha256, VersionStatus Status, IReadOnlyList<Guid> Incidents)
{
    /// <summary>The holds in force, each with the incident it was placed for.</summary>
    public IReadOnlyList<HeldFor> Holds { get; init; } = [];
}

public sealed record HeldFor(Guid HoldId, Guid IncidentId);

/// <summary>What decisions about an AI system and its versions need to know.</summary>
public sealed record AiSystem(Guid Id, string OwnerOgrn, AiSystemStatus Status, IReadOnlyList<VersionState> Versions) : IOwned
{
    ResourceOwner IOwned.Owner => ResourceOwner.Company(OwnerOgrn);

    public static AiSystem Create(AiSystemRegistered e) => new(e.AiSystemId, e.OwnerOgrn, AiSystemStatus.Active, []);

    public AiSystem Apply(AiSystemSuspended _) => this with { Status = AiSystemStatus.Suspended };

    public AiSystem Apply(AiSystemWithdrawn _) => this with { Status = AiSystemStatus.Withdrawn };

    public AiSystem Apply(VersionReleased e) =>
        this with { Versions = [.. Versions, new VersionState(e.VersionId, e.Version, e.ArtifactSha256, VersionStatus.Released, [])] };

    public AiSystem Apply(VersionDeprecated e) => WithVersion(e.VersionId, v => v with { Status = VersionStatus.Deprecated });

    public AiSystem Apply(VersionRecalled e) => WithVersion(e.VersionId, v => v with { Status = VersionStatus.Recalled });

    public AiSystem Apply(IncidentLinkedToVersion e) => WithVersion(e.VersionId, v => v with { Incidents = [.. v.Incidents, e.IncidentId] });

    public AiSystem Apply(CommissionConclusionRecorded _) => this;

    public AiSystem Apply(VersionPlacedOnHold e) => WithVersion(e.VersionId, v => v with { Holds = [.. v.Holds, new HeldFor(e.HoldId, e.IncidentId)] });

    public AiSystem Apply(VersionHoldLifted e) => WithVersion(e.VersionId, v => v with { Holds = v.Holds.Where(h => h.HoldId != e.HoldId).ToList() });

    public VersionState? Version(Guid versionId) => Versions.FirstOrDefault(v => v.Id == versionId);

    private AiSystem WithVersion(Guid versionId, Func<VersionState, VersionState> change) =>
        this with { Versions = Versions.Select(v => v.Id == versionId ? change(v) : v).ToList() };
}

/// <summary>Checks shared by the slices that act on an existing system.</summary>
public static class AiSystemRules
{
    /// <summary>An applicant acts only on its own company's systems; another company's system does not exist for it.</summary>
    public static void EnsureOwner(AiSystem system, Actor by)
    {
        if (!by.Sees(ResourceOwner.Company(system.OwnerOgrn))) throw new ResourceNotFound("No such AI system.");
    }

    public static void EnsureNotWithdrawn(AiSystem system)
    {
        if (system.Status == AiSystemStatus.Withdrawn)
            throw new DomainRuleViolation("ai-system-withdrawn", "The AI system was withdrawn.");
    }

    public static void EnsureActive(AiSystem system)
    {
        EnsureNotWithdrawn(system);
        if (system.Status == AiSystemStatus.Suspended)
            throw new DomainRuleViolation("ai-system-suspended", "The AI system is suspended by the regulator.");
    }

    /// <summary>AI Act art. 73(6): the version concerned by a serious incident is not altered before the authorities examined the cause.</summary>
    public static void EnsureNotHeld(VersionState version, string act)
    {
        if (version.Holds.Count > 0)
            throw new DomainRuleViolation(PreservationHoldCode,
                $"Version {version.Number} is on preservation hold for incident(s) {string.Join(", ", version.Holds.Select(h => h.IncidentId).Distinct())}: " +
                $"it cannot be {act} until the regulator lifts every hold.");
    }

    /// <summary>A system with a held version is not withdrawn: withdrawal ends every deployment of every version.</summary>
    public static void EnsureNoVersionHeld(AiSystem system)
    {
        var held = system.Versions.Where(v => v.Holds.Count > 0).ToList();
        if (held.Count > 0)
            throw new DomainRuleViolation(PreservationHoldCode,
                $"Version(s) {string.Join(", ", held.Select(v => v.Number))} of this AI system are on preservation hold: it cannot be withdrawn " +
                "until the regulator lifts every hold.");
    }

    public const string PreservationHoldCode = "version-on-preservation-hold";

    public static VersionState KnownVersion(AiSystem system, Guid versionId) =>
        system.Version(versionId) ?? throw new ResourceNotFound("No such version of this AI system.");

    /// <summary>When each event of an AI system stream happened, by the clock of the decision that made it.</summary>
    public static DateTimeOffset OccurredAt(object e) => e switch
    {
        AiSystemRegistered x => x.RegisteredAt,
        AiSystemSuspended x => x.SuspendedAt,
        AiSystemWithdrawn x => x.WithdrawnAt,
        VersionReleased x => x.ReleasedAt,
        VersionDeprecated x => x.DeprecatedAt,
        VersionRecalled x => x.RecalledAt,
        IncidentLinkedToVersion x => x.LinkedAt,
        CommissionConclusionRecorded x => x.SignedAt,
        VersionPlacedOnHold x => x.AppliedAt,
        VersionHoldLifted x => x.ReleasedAt,
        _ => DateTimeOffset.MinValue,
    };
}

/// <summary>Semantic Versioning 2.0.0 (semver.org), the grammar of its section 9-10 as the spec's own regular expression.</summary>
public static partial class SemanticVersion
{
    public static bool IsValid(string? value) => value is not null && value.Length <= 128 && Grammar().IsMatch(value);

    /// <summary>Build metadata does not count for precedence (spec item 10), so 1.0.0+a and 1.0.0+b are the same version.</summary>
    public static string Identity(string value) => value.Split('+')[0];

    [GeneratedRegex(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
