
namespace SandboxRegistry.SandboxApplications.Applications;

public enum ApplicationStatus { Submitted, UnderReview, InformationRequested, Approved, Rejected, Withdrawn }

/// <summary>Grounds of a reasoned refusal (258-FZ art. 11).</summary>
public enum RejectionGround { DoesNotMeetProgrammeConditions, InsuranceInsufficient, Incomplete, Other }

public sealed record Contact(string? Email, string? Phone);

public sealed record Company(string LegalName, string Ogrn, string Inn, string Address);

public sealed record Term(DateOnly StartsOn, DateOnly EndsOn)
{
    public bool Within(Term outer) => outer.StartsOn <= StartsOn && EndsOn <= outer.EndsOn;
}

/// <summary>A person responsible for the use of AI solutions (169-FZ) as the applicant names them in a request.</summary>
public sealed record ResponsiblePersonDetails(string FullName, string Position, string AreaOfResponsibility, Contact Contact);

/// <summary>
/// A responsible person as stored: name and position in clear (officials acting for the company, published to the
/// liability dossier), contacts encrypted under the person's own key.
/// </summary>
public sealed record ResponsiblePerson(string FullName, string Position, string AreaOfResponsibility, PersonContact Contact);

/// <summary>Everything the applicant states; information requests may correct any part of it.</summary>
public sealed record ApplicationForm(
    Company Company,
    Contact Contact,
    string PlannedAiUse,
    Term RequestedTerm,
    IReadOnlyList<string> Territory,
    InsurancePolicy Insurance,
    IReadOnlyList<ResponsiblePerson> ResponsiblePersons);

/// <summary>Fields the applicant corrects when answering, as sent; null means unchanged.</summary>
public sealed record ApplicationCorrections(
    string? Address = null,
    Contact? Contact = null,
    string? PlannedAiUse = null,
    Term? RequestedTerm = null,
    IReadOnlyList<string>? Territory = null,
    InsurancePolicy? Insurance = null,
    IReadOnlyList<ResponsiblePersonDetails>? ResponsiblePersons = null)
{
    public RecordedCorrections Sealed(SealContact seal) => new(Address, Contact, PlannedAiUse, RequestedTerm, Territory, Insurance,
        ResponsiblePersons?.Select(p => p.Sealed(seal)).ToList());
}

/// <summary>The corrections as recorded, responsible persons' contacts encrypted.</summary>
public sealed record RecordedCorrections(
    string? Address = null,
    Contact? Contact = null,
    string? PlannedAiUse = null,
    Term? RequestedTerm = null,
    IReadOnlyList<string>? Territory = null,
    InsurancePolicy? Insurance = null,
    IReadOnlyList<ResponsiblePerson>? ResponsiblePersons = null)
{
    public ApplicationForm ApplyTo(ApplicationForm form) => form with
    {
        Company = Address is null ? form.Company : form.Company with { Address = Address },
        Contact = Contact ?? form.Contact,
        PlannedAiUse = PlannedAiUse ?? form.PlannedAiUse,
        RequestedTerm = RequestedTerm ?? form.RequestedTerm,
        Territory = Territory ?? form.Territory,
        Insurance = Insurance ?? form.Insurance,
        ResponsiblePersons = ResponsiblePersons ?? form.ResponsiblePersons,
    };
}

/// <param name="DueOn">Last day for the decision (258-FZ art. 11: 20 working days after submission).</param>
public sealed record ApplicationSubmitted(Guid ApplicationId, Guid RegimeId, int ProgrammeVersion, ApplicationForm Form, DateOnly DueOn,
    Actor SubmittedBy, DateTimeOffset SubmittedAt);

public sealed record ReviewerAssigned(Guid ApplicationId, string Reviewer, Actor AssignedBy, DateTimeOffset AssignedAt);

/// <param name="ClockPausedOn">The review period stops running on this day until the applicant answers.</param>
public sealed record InformationRequested(Guid ApplicationId, IReadOnlyList<string> Questions, DateOnly ClockPausedOn, Actor RequestedBy,
    DateTimeOffset RequestedAt);

/// <param name="Form">The application as it stands after the corrections.</param>
/// <param name="DueOn">The decision's due date, moved by the working days the clock was paused.</param>
public sealed record InformationProvided(Guid ApplicationId, string Answer, RecordedCorrections Corrections, ApplicationForm Form,
    DateOnly DueOn, Actor ProvidedBy, DateTimeOffset ProvidedAt);

public sealed record ApplicationApproved(Guid ApplicationId, Guid ParticipationId, int ProgrammeVersion, IReadOnlyList<string> Conditions,
    Term ParticipationTerm, Actor ApprovedBy, DateTimeOffset ApprovedAt);

public sealed record ApplicationRejected(Guid ApplicationId, RejectionGround Ground, string? GroundText, IReadOnlyList<string> Reasons,
    Actor RejectedBy, DateTimeOffset RejectedAt);

public sealed record ApplicationWithdrawn(Guid ApplicationId, string? Reason, Actor WithdrawnBy, DateTimeOffset WithdrawnAt);

/// <summary>The regulator did not decide by the due date. Recorded once per application.</summary>
public sealed record ReviewDeadlineMissed(Guid ApplicationId, DateOnly DueOn, DateTimeOffset RecordedAt);

/// <summary>What decisions about an application need to know.</summary>
public sealed record Application(
    Guid Id,
    Guid RegimeId,
    ApplicationStatus Status,
    ApplicationForm Form,
    string? Reviewer,
    DateOnly DueOn,
    DateOnly? ClockPausedOn,
    bool DeadlineMissed) : ICompanyOwned
{
    public string CompanyOgrn => Form.Company.Ogrn;
    public bool IsDecided => Status is ApplicationStatus.Approved or ApplicationStatus.Rejected or ApplicationStatus.Withdrawn;

    public static Application Create(ApplicationSubmitted e) =>
        new(e.ApplicationId, e.RegimeId, ApplicationStatus.Submitted, e.Form, null, e.DueOn, null, false);

    public Application Apply(ReviewerAssigned e) => this with
    {
        Reviewer = e.Reviewer, Status = Status == ApplicationStatus.Submitted ? ApplicationStatus.UnderReview : Status,
    };
    public Application Apply(InformationRequested e) => this with { Status = ApplicationStatus.InformationRequested, ClockPausedOn = e.ClockPausedOn };
    public Application Apply(InformationProvided e) => this with
    {
        Status = ApplicationStatus.UnderReview, Form = e.Form, DueOn = e.DueOn, ClockPausedOn = null,
    };
    public Application Apply(ApplicationApproved _) => this with { Status = ApplicationStatus.Approved };
    public Application Apply(ApplicationRejected _) => this with { Status = ApplicationStatus.Rejected };
    public Application Apply(ApplicationWithdrawn _) => this with { Status = ApplicationStatus.Withdrawn };
    public Application Apply(ReviewDeadlineMissed _) => this with { DeadlineMissed = true };


    public void EnsureOpen()
    {
        if (IsDecided)
            throw new DomainRuleViolation("application-closed",
                $"The application is {Status.ToString().ToLowerInvariant()}; it can no longer change.");
    }
}
