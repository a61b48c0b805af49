namespace SandboxRegistry.Contracts.SandboxApplications;

/// <summary>A participant's civil liability insurance policy (169-FZ: mandatory, including harm caused by AI).</summary>
/// <param name="CoveredRisks">Values of <see cref="InsuredRisks"/>.</param>
public sealed record InsurancePolicy(
    string InsurerName,
    string InsurerInn,
    string PolicyNumber,
    Money SumInsured,
    IReadOnlyList<string> CoveredRisks,
    bool CoversAiHarm,
    DateOnly ValidFrom,
    DateOnly ValidTo);

/// <summary>
/// One entry of the participant's register of persons responsible for the use of AI solutions (169-FZ).
/// Contacts never leave SandboxApplications.
/// </summary>
public sealed record ResponsiblePerson(
    Guid EntryId,
    string FullName,
    string Position,
    string AreaOfResponsibility,
    DateOnly ValidFrom,
    DateOnly? ValidTo);

/// <summary>An application was approved: the company now participates in the regime.</summary>
public sealed record ParticipationGranted(
    SourceCitation Source,
    Guid ParticipationId,
    Guid ApplicationId,
    Guid RegimeId,
    int ProgrammeVersion,
    string CompanyOgrn,
    string CompanyName,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    InsurancePolicy Insurance,
    IReadOnlyList<ResponsiblePerson> ResponsiblePersons,
    DateTimeOffset GrantedAt) : ICitedMessage;

/// <summary>Values of ParticipationSuspended.Ground.</summary>
public static class SuspensionGrounds
{
    public const string RegulatorDecision = "regulatorDecision";
    public const string InsuranceLapsed = "insuranceLapsed";
    public const string CommissionConclusion = "commissionConclusion";
}

public sealed record ParticipationSuspended(
    SourceCitation Source, Guid ParticipationId, string Ground, string Reason, DateTimeOffset SuspendedAt) : ICitedMessage;

public sealed record ParticipationResumed(SourceCitation Source, Guid ParticipationId, DateTimeOffset ResumedAt) : ICitedMessage;

public sealed record ParticipationTerminated(
    SourceCitation Source, Guid ParticipationId, string Reason, DateTimeOffset TerminatedAt) : ICitedMessage;

/// <summary>The participant left the regime on its own request (voluntary exit); its participation has ended.</summary>
public sealed record ParticipationLeft(
    SourceCitation Source, Guid ParticipationId, string Reason, DateOnly LeftOn, DateTimeOffset LeftAt) : ICitedMessage;

/// <summary>The participation's term ended.</summary>
public sealed record ParticipationExpired(
    SourceCitation Source, Guid ParticipationId, DateOnly EndedOn, DateTimeOffset ExpiredAt) : ICitedMessage;

/// <summary>The participant took out or renewed its policy; earlier policies stay on record for earlier dates.</summary>
public sealed record InsuranceRenewed(
    SourceCitation Source, Guid ParticipationId, InsurancePolicy Policy, DateTimeOffset RenewedAt) : ICitedMessage;

/// <summary>
/// The register of responsible persons changed. Carries the whole register, with each entry's validity dates,
/// so a consumer can answer "who was responsible on date X" from the latest message alone.
/// </summary>
public sealed record ResponsiblePersonsChanged(
    SourceCitation Source, Guid ParticipationId, IReadOnlyList<ResponsiblePerson> Register, DateTimeOffset ChangedAt) : ICitedMessage;

/// <summary>Values of InsuranceChanged.Kind.</summary>
public static class InsuranceEventKinds
{
    public const string Cancelled = "cancelled";
    public const string NotRenewed = "notRenewed";
    public const string SumInsuredChanged = "sumInsuredChanged";
    public const string RisksChanged = "risksChanged";
    public const string Renewed = "renewed";
}

/// <summary>
/// The insurer reported a change to a participant's policy (cancellation, non-renewal, a change of sum insured or covered
/// risks, a renewal). <see cref="Policies"/> is every policy period after the change and replaces what earlier messages said
/// about the participation's cover: a cancelled period ends the day before <see cref="EffectiveOn"/>. A suspension or
/// resumption that follows from it is published as its own ParticipationSuspended or ParticipationResumed.
/// </summary>
/// <param name="Kind">Values of <see cref="InsuranceEventKinds"/>.</param>
public sealed record InsuranceChanged(
    SourceCitation Source,
    Guid ParticipationId,
    string Kind,
    string PolicyNumber,
    DateOnly EffectiveOn,
    IReadOnlyList<InsurancePolicy> Policies,
    DateTimeOffset ChangedAt) : ICitedMessage;
