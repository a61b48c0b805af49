using SandboxRegistry.Contracts;

namespace SandboxRegistry.IncidentClaims.Incidents;

public enum Channel { StatePortal, Insurer, Hospital, Police, Other }

public enum HarmType { Death, InjuryToHealth, DamageToPersonProperty, DamageToOrganisationProperty }

public enum Severity { Minor, Serious, Critical }

public enum CausalLink { Established, Likely, NotEstablished, Inconclusive }

public enum Recommendation { SuspendParticipation, TerminateParticipation, AmendProgramme, RecallVersion, None }

public enum IncidentStatus { Reported, Linked, NotAiRelated, Duplicate, CommissionConvened, ConclusionRecorded, ConclusionSigned, Closed }

public enum ClaimStatus { Open, Notified, Paid, Denied }

public enum IncidentOutcome { LiabilityEstablished, LiabilityNotEstablished, NotAiRelated, Duplicate, Withdrawn }

public sealed record Location(string RegionCode, string? Address);

public sealed record Harm(HarmType Type, Severity Severity, int PersonsAffected, Money? EstimatedDamage);

/// <summary>The AI as the citizen knows it: a registry id (and version) when known, otherwise names as free text.</summary>
public sealed record ClaimedAiSystem(Guid? RegistryId, string? Version, string? Name, string? Operator);

/// <summary>A file the integration keeps; only its description and digest travel here.</summary>
public sealed record Evidence(string FileName, string MediaType, long Size, string Sha256);

public sealed record Contacts(string? Email, string? Phone, string? PostalAddress);

/// <summary>
/// Personal data (152-FZ) as the integration sends it. Stored only encrypted (<see cref="EncryptedReporter"/>), shown
/// only in the regulator's dossier, never in messages or public views.
/// </summary>
public sealed record Reporter(string FullName, Contacts Contacts, bool ConsentToProcessing);

/// <summary>What the citizen reported (OECD common reporting framework, mandatory set), without the reporter.</summary>
public sealed record Report(
    Channel Channel,
    string Title,
    string Description,
    string AiInvolvement,
    DateTimeOffset OccurredAt,
    DateTimeOffset AwareAt,
    Location Location,
    bool CriticalInfrastructure,
    bool Widespread,
    IReadOnlyList<Harm> Harms,
    ClaimedAiSystem AiSystem,
    IReadOnlyList<Evidence> Evidence);

/// <summary>Why an incident counts as serious (AI Act art. 3(49)), empty when it does not.</summary>
public sealed record Classification(bool Serious, IReadOnlyList<string> Grounds);

// Elements resolved by triage from the local read models; each keeps the citation of the message it came from.
public sealed record LinkedDeployment(Guid DeploymentId, IReadOnlyList<string> Territory, DateTimeOffset From, DateTimeOffset? Until,
    SourceCitation Source);

public sealed record LinkedVersion(Guid AiSystemId, Guid VersionId, string Version, string ArtifactSha256, DateTimeOffset? ReleasedAt,
    SourceCitation Source);

public sealed record LinkedAiSystem(Guid AiSystemId, string Name, string OwnerOgrn, string DeveloperName, string OperatorName,
    string IntendedPurpose, SourceCitation Source);

public sealed record LinkedParticipation(Guid ParticipationId, Guid RegimeId, string CompanyOgrn, string CompanyName, DateOnly StartsOn,
    DateOnly EndsOn, SourceCitation Source);

public sealed record LinkedProgramme(Guid RegimeId, int ProgrammeVersion, string Title, string? LegalBasis, SourceCitation Source);

public sealed record LinkedPolicy(string InsurerName, string InsurerInn, string PolicyNumber, Money SumInsured, IReadOnlyList<string> CoveredRisks,
    bool CoversAiHarm, DateOnly ValidFrom, DateOnly ValidTo, SourceCitation Source);

public sealed record LinkedPerson(Guid EntryId, string FullName, string Position, string AreaOfResponsibility, DateOnly ValidFrom,
    DateOnly? ValidTo);

public sealed record LinkedPersons(DateOnly AsOf, IReadOnlyList<LinkedPerson> Persons, SourceCitation Source);

/// <summary>
/// The two instants every link of a triage was resolved at: the valid time <paramref name="At"/> (the harm's occurredAt: what
/// was in service, which policy, who was responsible then) as known at <paramref name="KnownAt"/> (the triage: what this
/// service had been told by then), and the local date the date rules used, in the zone of the place of the harm.
/// </summary>
public sealed record ResolvedAt(DateTimeOffset At, DateTimeOffset KnownAt, string TimeZone, DateOnly LocalDate);

/// <summary>A deployment that matched place and time, named as a regulator can tell it from the others.</summary>
public sealed record DeploymentCandidate(Guid DeploymentId, Guid AiSystemId, string? AiSystemName, Guid VersionId, string Version,
    string CompanyOgrn, string? CompanyName, DateTimeOffset From, DateTimeOffset? Until);

/// <summary>The chain from the incident to who answers for it, as of occurredAt.</summary>
/// <param name="Instants">Absent on links made before the instants were recorded (then valid time occurredAt, known at linkedAt).</param>
public sealed record Resolution(
    LinkedDeployment? Deployment,
    LinkedVersion Version,
    LinkedAiSystem? AiSystem,
    LinkedParticipation? Participation,
    LinkedProgramme? Programme,
    LinkedPolicy? InsurancePolicy,
    LinkedPersons? ResponsiblePersons,
    ResolvedAt? Instants = null)
{
    /// <summary>What <see cref="ResolvedAt.TimeZone"/> says of a link made before the instants were recorded.</summary>
    public const string OffsetAsSent = "offset as sent";

    /// <summary>
    /// The resolution with its instants: links made before they were recorded resolved at the valid time occurredAt as known
    /// when they were made (<paramref name="linkedAt"/>), and their date rules took the date in the offset the instant was sent in.
    /// </summary>
    public Resolution WithInstants(DateTimeOffset occurredAt, DateTimeOffset linkedAt) => Instants is not null ? this : this with
    {
        Instants = new ResolvedAt(occurredAt, linkedAt, OffsetAsSent, ResponsiblePersons?.AsOf ?? DateOnly.FromDateTime(occurredAt.DateTime)),
    };

    /// <summary>Persons and companies a conclusion may hold responsible: ids are OGRNs or register entry ids.</summary>
    public IReadOnlyList<ResponsibleParty> Parties()
    {
        var parties = new List<ResponsibleParty>();
        if (Participation is { } p) parties.Add(new ResponsibleParty("participant", p.CompanyOgrn, p.CompanyName));
        if (AiSystem is { } s && s.OwnerOgrn != Participation?.CompanyOgrn)
            parties.Add(new ResponsibleParty("owner", s.OwnerOgrn, s.Name));
        foreach (var person in ResponsiblePersons?.Persons ?? [])
            parties.Add(new ResponsibleParty("responsiblePerson", person.EntryId.ToString(), person.FullName));
        return parties;
    }
}

/// <param name="Kind">participant, owner or responsiblePerson.</param>
public sealed record ResponsibleParty(string Kind, string Id, string Name);

public sealed record CommissionMember(string FullName, string Position);

public sealed record Dissent(string Member, [property: FreeText] string Text);

public sealed record Conclusion(
    CausalLink CausalLink,
    IReadOnlyList<ResponsibleParty> ResponsibleParties,
    Money? DamageAssessed,
    IReadOnlyList<Recommendation> Recommendations,
    IReadOnlyList<Dissent> Dissents);

// Events: subject + past verb, carrying who and when.
public sealed record HarmIncidentReported(
    Guid IncidentId,
    string ClientId,
    string TrackingCode,
    Report Report,
    EncryptedReporter Reporter,
    Classification Classification,
    DateTimeOffset? ReportDueBy,
    Actor ReportedBy,
    DateTimeOffset ReportedAt);

/// <param name="Explicit">Linked by the regulator without a deployment matching place and time; Reason says why.</param>
public sealed record IncidentLinked(
    Guid IncidentId, Resolution Resolution, bool Explicit, string? Reason, DateTimeOffset CommissionDueBy, Actor LinkedBy,
    DateTimeOffset LinkedAt);

public sealed record IncidentFoundNotAiRelated(Guid IncidentId, string Reason, Actor DecidedBy, DateTimeOffset DecidedAt);

public sealed record IncidentMarkedDuplicate(Guid IncidentId, Guid DuplicateOf, string? Reason, Actor MarkedBy, DateTimeOffset MarkedAt);

/// <param name="ConclusionDueAt">The end of ConclusionDueBy in the zone of the place of the harm; absent on events of before
/// (then the end of that day in UTC).</param>
public sealed record CommissionConvened(
    Guid IncidentId, CommissionMember Chair, IReadOnlyList<CommissionMember> Members, DateOnly MeetingDate, DateOnly ConclusionDueBy,
    Actor ConvenedBy, DateTimeOffset ConvenedAt, DateTimeOffset? ConclusionDueAt = null);

public sealed record ConclusionRecorded(Guid IncidentId, Conclusion Conclusion, Actor RecordedBy, DateTimeOffset RecordedAt);

/// <summary>Carries the conclusion and the links it concerns, so that the message published from it stands alone.</summary>
public sealed record ConclusionSigned(
    Guid IncidentId, Conclusion Conclusion, Guid? AiSystemId, Guid? VersionId, Guid? ParticipationId, string Chair, bool SignedLate,
    Actor SignedBy, DateTimeOffset SignedAt);

/// <summary>The reporter's key was destroyed (152-FZ art. 21): their data is unreadable from now on, everywhere.</summary>
public sealed record ReporterDataErased(Guid IncidentId, Guid KeyId, string LegalGround, Actor ErasedBy, DateTimeOffset ErasedAt);

public sealed record InsuranceClaimOpened(Guid IncidentId, Guid ClaimId, LinkedPolicy Policy, Money? Claimed, Actor OpenedBy,
    DateTimeOffset OpenedAt);

public sealed record InsurerNotified(Guid IncidentId, Guid ClaimId, Actor NotifiedBy, DateTimeOffset NotifiedAt);

public sealed record InsuranceClaimPaid(Guid IncidentId, Guid ClaimId, Money Amount, Actor RecordedBy, DateTimeOffset PaidAt);

public sealed record InsuranceClaimDenied(Guid IncidentId, Guid ClaimId, string Reason, Actor RecordedBy, DateTimeOffset DeniedAt);

public sealed record IncidentClosed(Guid IncidentId, IncidentOutcome Outcome, string? Summary, Actor ClosedBy, DateTimeOffset ClosedAt);

/// <summary>A statutory clock: when something is due and when it was done.</summary>
public sealed record Clock(string Name, DateTimeOffset DueBy, DateTimeOffset? MetAt)
{
    /// <summary>
    /// Whether the clock was met after its due time; null while it runs. Derived, so it can never disagree with the two
    /// instants: a late act is still recorded (refusing it would leave the victim without it), and shows as late.
    /// </summary>
    public bool? MetLate => MetAt is { } met ? met > DueBy : null;
}

public sealed record InsuranceClaim(Guid ClaimId, ClaimStatus Status, LinkedPolicy Policy);

/// <summary>What decisions about an incident need, plus the little the status and deadline lists show.</summary>
public sealed record Incident(
    Guid Id,
    string ClientId,
    string TrackingCode,
    string Title,
    IncidentStatus Status,
    DateTimeOffset OccurredAt,
    string RegionCode,
    Guid? ClaimedAiSystemId,
    bool Serious,
    DateTimeOffset ReportedAt,
    IReadOnlyList<Clock> Clocks,
    Resolution? Resolution,
    IReadOnlyList<CommissionMember> Commission,
    DateOnly? MeetingDate,
    Conclusion? Conclusion,
    InsuranceClaim? Claim,
    IncidentOutcome? Outcome) : IOwned
{
    /// <summary>Every preservation hold the incident placed (AI Act art. 73(6)), lifted ones included.</summary>
    public IReadOnlyList<PreservingVersion.HoldState> Holds { get; init; } = [];

    /// <summary>The hold in force, if any: an incident holds at most one version at a time (the one it is linked to).</summary>
    public PreservingVersion.HoldState? ActiveHold => Holds.LastOrDefault(h => !h.Lifted);

    /// <summary>A report belongs to the integration that filed it.</summary>
    ResourceOwner IOwned.Owner => ResourceOwner.Integration(ClientId);

    public const string ReportClock = "report";
    public const string CommissionClock = "commission";
    public const string ConclusionClock = "conclusion";

    public static Incident Start(HarmIncidentReported e) => new(e.IncidentId, e.ClientId, e.TrackingCode, e.Report.Title,
        IncidentStatus.Reported, e.Report.OccurredAt, e.Report.Location.RegionCode, e.Report.AiSystem.RegistryId, e.Classification.Serious,
        e.ReportedAt, e.ReportDueBy is { } due ? [new Clock(ReportClock, due, null)] : [], null, [], null, null, null, null);

    // Named When, not Evolve: Marten's source generator would take a static Evolve for a self-aggregating type.
    public static Incident? When(Incident? state, object @event) => (state, @event) switch
    {
        (_, HarmIncidentReported e) => Start(e),
        (null, _) => null,
        ({ } s, IncidentLinked e) => s with
        {
            Status = IncidentStatus.Linked, Resolution = e.Resolution.WithInstants(s.OccurredAt, e.LinkedAt),
            Clocks = [.. Met(s.Clocks, ReportClock, e.LinkedAt), new Clock(CommissionClock, e.CommissionDueBy, null)],
        },
        ({ } s, IncidentFoundNotAiRelated e) => s with { Status = IncidentStatus.NotAiRelated, Clocks = Met(s.Clocks, ReportClock, e.DecidedAt) },
        ({ } s, IncidentMarkedDuplicate e) => s with { Status = IncidentStatus.Duplicate, Clocks = Met(s.Clocks, ReportClock, e.MarkedAt) },
        ({ } s, CommissionConvened e) => s with
        {
            Status = IncidentStatus.CommissionConvened, Commission = [e.Chair, .. e.Members], MeetingDate = e.MeetingDate,
            Clocks = [.. Met(s.Clocks, CommissionClock, e.ConvenedAt),
                new Clock(ConclusionClock, e.ConclusionDueAt ?? new DateTimeOffset(e.ConclusionDueBy.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero),
                    null)],
        },
        ({ } s, ConclusionRecorded e) => s with { Status = IncidentStatus.ConclusionRecorded, Conclusion = e.Conclusion },
        ({ } s, ConclusionSigned e) => s with
        {
            Status = IncidentStatus.ConclusionSigned, Conclusion = e.Conclusion, Clocks = Met(s.Clocks, ConclusionClock, e.SignedAt),
        },
        ({ } s, InsuranceClaimOpened e) => s with { Claim = new InsuranceClaim(e.ClaimId, ClaimStatus.Open, e.Policy) },
        ({ Claim: { } c } s, InsurerNotified) => s with { Claim = c with { Status = ClaimStatus.Notified } },
        ({ Claim: { } c } s, InsuranceClaimPaid) => s with { Claim = c with { Status = ClaimStatus.Paid } },
        ({ Claim: { } c } s, InsuranceClaimDenied) => s with { Claim = c with { Status = ClaimStatus.Denied } },
        ({ } s, IncidentClosed e) => s with { Status = IncidentStatus.Closed, Outcome = e.Outcome },
        ({ } s, Triaging.IncidentLinkCorrected e) => s with { Resolution = e.Resolution },
        ({ } s, PreservingVersion.PreservationHoldPlaced e) => s with
        {
            Holds = [.. s.Holds, new PreservingVersion.HoldState(e.HoldId, e.AiSystemId, e.VersionId, e.Version, false)],
        },
        ({ } s, PreservingVersion.PreservationHoldLifted e) => s.WithHold(e.HoldId, h => h with { Lifted = true }),
        ({ } s, PreservingVersion.PreservationHoldApplied e) => s.WithHold(e.HoldId, h => h with { Applied = true }),
        ({ } s, PreservingVersion.PreservationHoldReleased e) => s.WithHold(e.HoldId, h => h with { Released = true }),
        ({ } s, _) => s,
    };

    private Incident WithHold(Guid holdId, Func<PreservingVersion.HoldState, PreservingVersion.HoldState> change) =>
        this with { Holds = Holds.Select(h => h.HoldId == holdId ? change(h) : h).ToList() };

    private static IReadOnlyList<Clock> Met(IReadOnlyList<Clock> clocks, string name, DateTimeOffset at) =>
        clocks.Select(c => c.Name == name && c.MetAt is null ? c with { MetAt = at } : c).ToList();

    public static readonly Type[] EventTypes =
    [
        typeof(HarmIncidentReported), typeof(IncidentLinked), typeof(IncidentFoundNotAiRelated), typeof(IncidentMarkedDuplicate),
        typeof(CommissionConvened), typeof(ConclusionRecorded), typeof(ConclusionSigned), typeof(InsuranceClaimOpened),
        typeof(InsurerNotified), typeof(InsuranceClaimPaid), typeof(InsuranceClaimDenied), typeof(IncidentClosed),
        typeof(ReporterDataErased), typeof(Responding.CompanyStatementPublished), typeof(StagedReporting.ProviderReportFiled),
        typeof(StagedReporting.ProviderReportAccepted), typeof(StagedReporting.ProviderReportMoreRequested),
        typeof(Triaging.IncidentLinkCorrected), typeof(PreservingVersion.PreservationHoldPlaced), typeof(PreservingVersion.PreservationHoldLifted),
        typeof(PreservingVersion.PreservationHoldApplied), typeof(PreservingVersion.PreservationHoldReleased),
    ];
}
