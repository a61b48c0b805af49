using SandboxRegistry.SandboxApplications.Applications;

namespace SandboxRegistry.SandboxApplications.Participations;

/// <summary><see cref="Left"/>: the participant left on its own request (voluntary exit).</summary>
public enum ParticipationStatus { Active, Suspended, Terminated, Expired, Left }

public enum SuspensionGround { RegulatorDecision, InsuranceLapsed, CommissionConclusion }

/// <summary>
/// One entry of the register of persons responsible for the use of AI solutions (169-FZ). Entries are never
/// deleted: removal sets <see cref="ValidTo"/>, so the register answers who was responsible on any past date.
/// </summary>
public sealed record ResponsiblePersonEntry(
    Guid EntryId,
    string FullName,
    string Position,
    string AreaOfResponsibility,
    PersonContact Contact,
    DateOnly ValidFrom,
    DateOnly? ValidTo)
{
    public bool ResponsibleOn(DateOnly day) => ValidFrom <= day && (ValidTo is null || day <= ValidTo);
}

public sealed record ParticipationGranted(
    Guid ParticipationId,
    Guid ApplicationId,
    Guid RegimeId,
    int ProgrammeVersion,
    Company Company,
    IReadOnlyList<string> Territory,
    Term Term,
    IReadOnlyList<string> Conditions,
    InsurancePolicy Insurance,
    IReadOnlyList<ResponsiblePersonEntry> ResponsiblePersons,
    Actor GrantedBy,
    DateTimeOffset GrantedAt);

public sealed record ParticipationSuspended(Guid ParticipationId, SuspensionGround Ground, string Reason, Actor SuspendedBy,
    DateTimeOffset SuspendedAt);

public sealed record ParticipationResumed(Guid ParticipationId, Actor ResumedBy, DateTimeOffset ResumedAt);

public sealed record ParticipationTerminated(Guid ParticipationId, string Reason, Actor TerminatedBy, DateTimeOffset TerminatedAt);

public sealed record ParticipationExpired(Guid ParticipationId, DateOnly EndedOn, DateTimeOffset ExpiredAt);

/// <summary>The participant left the regime on its own request (voluntary exit) on <see cref="LeftOn"/>, a local date.</summary>
public sealed record ParticipationLeft(Guid ParticipationId, string Reason, DateOnly LeftOn, Actor LeftBy, DateTimeOffset LeftAt);

public sealed record ExitReport(
    IReadOnlyList<Leaving.ResultAchieved> Results,
    IReadOnlyList<Leaving.IncidentHandled> Incidents,
    IReadOnlyList<string> Measures,
    string PublicSummary);

public sealed record ExitReportFiled(Guid ParticipationId, ExitReport Report, Actor FiledBy, DateTimeOffset FiledAt);

public sealed record ExitAssessed(Guid ParticipationId, Leaving.ExitConclusion Conclusion, string Text, Actor AssessedBy, DateTimeOffset AssessedAt);

public sealed record InsuranceRenewed(Guid ParticipationId, InsurancePolicy Policy, Actor RenewedBy, DateTimeOffset RenewedAt);

/// <summary>What an insurer reports about a policy it issued (169-FZ insurance of a subject of a regime).</summary>
public enum InsuranceEventKind { Cancelled, NotRenewed, SumInsuredChanged, RisksChanged, Renewed }

/// <summary>
/// An insurer's integration reported a change to a participant's policy. <paramref name="Policies"/> is every policy period
/// after the change (a cancellation ends a period the day before it takes effect; a change of sum or risks ends the old
/// terms and starts a period with the new ones on the day it takes effect; a renewal adds a period), so the event alone
/// answers what cover held on any day.
/// </summary>
public sealed record InsuranceEventReported(
    Guid ParticipationId,
    Guid NoticeId,
    InsuranceEventKind Kind,
    string InsurerInn,
    string PolicyNumber,
    DateOnly EffectiveOn,
    string Reason,
    IReadOnlyList<InsurancePolicy> Policies,
    Actor ReportedBy,
    DateTimeOffset ReportedAt);

/// <param name="Register">The whole register after the change, so each event answers "who, when" on its own.</param>
public sealed record ResponsiblePersonAdded(Guid ParticipationId, ResponsiblePersonEntry Entry, IReadOnlyList<ResponsiblePersonEntry> Register,
    Actor AddedBy, DateTimeOffset AddedAt);

public sealed record ResponsiblePersonRemoved(Guid ParticipationId, Guid EntryId, DateOnly ValidTo, IReadOnlyList<ResponsiblePersonEntry> Register,
    Actor RemovedBy, DateTimeOffset RemovedAt);

/// <summary>What decisions about a participation need to know.</summary>
public sealed record Participation(
    Guid Id,
    Guid RegimeId,
    string CompanyOgrn,
    ParticipationStatus Status,
    Term Term,
    IReadOnlyList<InsurancePolicy> Policies,
    IReadOnlyList<ResponsiblePersonEntry> Register,
    SuspensionGround? SuspendedFor) : ICompanyOwned
{
    public bool IsClosed => Status is ParticipationStatus.Terminated or ParticipationStatus.Expired or ParticipationStatus.Left;

    public bool ExitReported { get; init; }

    public bool ExitAssessed { get; init; }

    public bool InsuredOn(DateOnly day) => Policies.Any(p => p.Covers(day));

    /// <summary>169-FZ: a policy in force on <paramref name="day"/> that meets the programme's insurance requirements.</summary>
    public bool MeetsProgrammeOn(DateOnly day, Regimes.InsuranceRequirements required) =>
        Policies.Any(p => p.Covers(day) && InsuranceRules.Meets(p, required));

    /// <summary>Suspended because its insurance lapsed or no longer met the programme: a compliant policy resumes it.</summary>
    public bool SuspendedForInsurance => Status == ParticipationStatus.Suspended && SuspendedFor == SuspensionGround.InsuranceLapsed;

    public static Participation Create(ParticipationGranted e) => new(e.ParticipationId, e.RegimeId, e.Company.Ogrn,
        ParticipationStatus.Active, e.Term, [e.Insurance], e.ResponsiblePersons, null);

    public Participation Apply(ParticipationSuspended e) => this with { Status = ParticipationStatus.Suspended, SuspendedFor = e.Ground };
    public Participation Apply(ParticipationResumed _) => this with { Status = ParticipationStatus.Active, SuspendedFor = null };
    public Participation Apply(ParticipationTerminated _) => this with { Status = ParticipationStatus.Terminated };
    public Participation Apply(ParticipationExpired _) => this with { Status = ParticipationStatus.Expired };
    public Participation Apply(ParticipationLeft _) => this with { Status = ParticipationStatus.Left };
    public Participation Apply(ExitReportFiled _) => this with { ExitReported = true };
    public Participation Apply(ExitAssessed _) => this with { ExitAssessed = true };
    public Participation Apply(InsuranceRenewed e) => this with { Policies = [.. Policies, e.Policy] };
    public Participation Apply(InsuranceEventReported e) => this with { Policies = e.Policies };
    public Participation Apply(ResponsiblePersonAdded e) => this with { Register = e.Register };
    public Participation Apply(ResponsiblePersonRemoved e) => this with { Register = e.Register };


    public void EnsureOpen()
    {
        if (IsClosed)
            throw new DomainRuleViolation("participation-closed",
                $"The participation is {Status.ToString().ToLowerInvariant()}; it can no longer change.");
    }
}
