using SandboxRegistry.SandboxApplications.Regimes;

namespace SandboxRegistry.SandboxApplications.Proposals;

/// <summary>
/// Where an initiative proposal for a new regime stands (258-FZ art. 6 as amended by 169-FZ): submitted to the authorised body,
/// returned to the initiator (incomplete, or sent back for rework by the coordinating body), under consultation of the bodies
/// concerned, awaiting the coordinating body's decision, then approved (a regime is established) or refused.
/// </summary>
public enum ProposalStatus { Submitted, Returned, UnderConsultation, AwaitingDecision, Approved, Refused }

/// <summary>Who gives an opinion on a registered proposal, which fixes its period (15 or 10 working days).</summary>
public enum BodyKind { RegulatoryBody, BusinessCommunity, RegionalExecutive }

public enum OpinionConclusion { Supports, SupportsWithChanges, Objects }

/// <summary>At which step a proposal went back to its initiator.</summary>
public enum ReturnStage { Registration, Decision }

public enum RiskLevel { Low, Medium, High }

/// <summary>Grounds of a reasoned refusal of a proposal.</summary>
public enum ProposalRefusalGround { ObjectionsOfRegulatoryBodies, RisksNotJustified, NoRegulatoryBarrier, ContraryToLaw, Other }

/// <summary>The initiator as its proposal names it; the OGRN is the one the token was issued to. Company data is public.</summary>
public sealed record Initiator(string LegalName, string Ogrn, string Inn, string Address);

/// <summary>One risk of the experiment, how likely and how grave, and how it is kept down.</summary>
public sealed record Risk(string Description, RiskLevel Likelihood, RiskLevel Impact, string Mitigation);

public sealed record RiskAssessment(string Summary, IReadOnlyList<Risk> Risks);

/// <summary>
/// What an initiator proposes. The draft programme is a regime's <see cref="Programme"/>: its disapplied norms are the norms
/// to disapply, its expected results (with their measures) the expected results, its insurance the proposed insurance
/// requirements; its legal basis names the act the initiator proposes (the approval names the act adopted).
/// </summary>
public sealed record ProposalContent(Programme Programme, string RegulatoryBarrier, string Justification, RiskAssessment RiskAssessment);

/// <summary>A body whose opinion the authorised body asks for at registration.</summary>
public sealed record ConsultedBody(string Name, BodyKind Kind);

/// <summary>An opinion as received, recorded by the authorised body on behalf of the body that gave it.</summary>
public sealed record Opinion(string Body, BodyKind Kind, OpinionConclusion Conclusion, string Text, DateOnly ReceivedOn);

/// <param name="RegistrationDueOn">Last day for the authorised body to register the proposal or return it.</param>
public sealed record ProposalSubmitted(Guid ProposalId, Initiator Initiator, ProposalContent Content, int Round, DateOnly RegistrationDueOn,
    Actor SubmittedBy, DateTimeOffset SubmittedAt);

/// <summary>The initiator's revised proposal after a return: a new round, every clock starts again.</summary>
public sealed record ProposalResubmitted(Guid ProposalId, ProposalContent Content, string Changes, int Round, DateOnly RegistrationDueOn,
    Actor ResubmittedBy, DateTimeOffset ResubmittedAt);

/// <summary>Registered: the opinions are asked for in parallel, and the draft is open for public discussion from now on.</summary>
/// <param name="RegulatorsDueOn">Last day for the regulatory bodies' opinions; null when none is consulted.</param>
/// <param name="OthersDueOn">Last day for business community organisations' and regional executive bodies' opinions; null when none.</param>
public sealed record ProposalRegistered(Guid ProposalId, int Round, string RegistrationNumber, IReadOnlyList<ConsultedBody> Bodies,
    DateOnly RegisteredOn, DateOnly? RegulatorsDueOn, DateOnly? OthersDueOn, Actor RegisteredBy, DateTimeOffset RegisteredAt);

public sealed record ProposalReturned(Guid ProposalId, int Round, ReturnStage Stage, IReadOnlyList<string> Reasons, DateOnly ReturnedOn,
    Actor ReturnedBy, DateTimeOffset ReturnedAt);

public sealed record OpinionRecorded(Guid ProposalId, int Round, Opinion Opinion, DateOnly DueOn, Actor RecordedBy, DateTimeOffset RecordedAt);

/// <summary>
/// The consultation ended, when the last body answered or the last period ran out, and the coordinating body's period began.
/// Recorded once per round: by the command that recorded the last opinion, or by the scheduled check.
/// </summary>
public sealed record ConsultationClosed(Guid ProposalId, int Round, DateOnly ClosedOn, DateOnly DecisionDueOn,
    IReadOnlyList<string> Unanswered, DateTimeOffset RecordedAt);

/// <summary>A clock of the procedure passed with nothing done. Recorded once per clock and round, by the scheduled check.</summary>
/// <param name="Clock">registration, regulatorOpinions, otherOpinions or decision (<see cref="ProposalClocks"/>).</param>
public sealed record ProposalDeadlineMissed(Guid ProposalId, int Round, string Clock, DateOnly DueOn, DateTimeOffset RecordedAt);

/// <summary>The coordinating body approved the proposal: the regime <see cref="RegimeId"/> is established from its programme.</summary>
public sealed record ProposalApproved(Guid ProposalId, Guid RegimeId, LegalBasis LegalBasis, string? Text, DateOnly DecidedOn,
    Actor ApprovedBy, DateTimeOffset ApprovedAt);

public sealed record ProposalRefused(Guid ProposalId, ProposalRefusalGround Ground, IReadOnlyList<string> Reasons, DateOnly DecidedOn,
    Actor RefusedBy, DateTimeOffset RefusedAt);

/// <summary>Names of the proposal's statutory clocks.</summary>
public static class ProposalClocks
{
    public const string Registration = "registration";
    public const string RegulatorOpinions = "regulatorOpinions";
    public const string OtherOpinions = "otherOpinions";
    public const string Decision = "decision";

    /// <summary>Which opinion clock a body's opinion runs on.</summary>
    public static string For(BodyKind kind) => kind == BodyKind.RegulatoryBody ? RegulatorOpinions : OtherOpinions;
}

/// <summary>What decisions about a proposal need to know (the current round only: a resubmission starts afresh).</summary>
public sealed record Proposal(
    Guid Id,
    Initiator Initiator,
    ProposalStatus Status,
    int Round,
    ProposalContent Content,
    DateOnly RegistrationDueOn,
    IReadOnlyList<ConsultedBody> Bodies,
    DateOnly? RegulatorsDueOn,
    DateOnly? OthersDueOn,
    IReadOnlyList<Opinion> Opinions,
    DateOnly? DecisionDueOn,
    IReadOnlyList<string> Missed) : ICompanyOwned
{
    public string CompanyOgrn => Initiator.Ogrn;

    /// <summary>Registered at least once: its draft and its procedure are public from then on.</summary>
    public bool Public { get; init; }

    /// <summary>The day the current round was registered.</summary>
    public DateOnly? RegisteredOn { get; init; }

    public bool IsDecided => Status is ProposalStatus.Approved or ProposalStatus.Refused;

    public static Proposal Create(ProposalSubmitted e) =>
        new(e.ProposalId, e.Initiator, ProposalStatus.Submitted, e.Round, e.Content, e.RegistrationDueOn, [], null, null, [], null, []);

    public Proposal Apply(ProposalResubmitted e) => this with
    {
        Status = ProposalStatus.Submitted, Round = e.Round, Content = e.Content, RegistrationDueOn = e.RegistrationDueOn, Bodies = [],
        RegulatorsDueOn = null, OthersDueOn = null, Opinions = [], DecisionDueOn = null, Missed = [], RegisteredOn = null,
    };

    public Proposal Apply(ProposalRegistered e) => this with
    {
        Status = ProposalStatus.UnderConsultation, Bodies = e.Bodies, RegulatorsDueOn = e.RegulatorsDueOn, OthersDueOn = e.OthersDueOn,
        Public = true, RegisteredOn = e.RegisteredOn,
    };

    public Proposal Apply(ProposalReturned _) => this with { Status = ProposalStatus.Returned };
    public Proposal Apply(OpinionRecorded e) => this with { Opinions = [.. Opinions, e.Opinion] };
    public Proposal Apply(ConsultationClosed e) => this with { Status = ProposalStatus.AwaitingDecision, DecisionDueOn = e.DecisionDueOn };
    public Proposal Apply(ProposalDeadlineMissed e) => this with { Missed = [.. Missed, e.Clock] };
    public Proposal Apply(ProposalApproved _) => this with { Status = ProposalStatus.Approved };
    public Proposal Apply(ProposalRefused _) => this with { Status = ProposalStatus.Refused };

    /// <summary>The bodies of <paramref name="kind"/>'s clock that have not answered yet.</summary>
    public IEnumerable<ConsultedBody> Unanswered(string? clock = null) => Bodies
        .Where(b => clock is null || ProposalClocks.For(b.Kind) == clock)
        .Where(b => !Opinions.Any(o => string.Equals(o.Body, b.Name, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The day the last opinion period ends.</summary>
    public DateOnly? ConsultationEndsOn => new[] { RegulatorsDueOn, OthersDueOn }.Max();

    public void EnsureStatus(string action, params ProposalStatus[] allowed)
    {
        if (allowed.Contains(Status)) return;
        if (IsDecided)
            throw new DomainRuleViolation("proposal-decided", $"The proposal has been {Status.ToString().ToLowerInvariant()}; it can no longer change.");
        throw new DomainRuleViolation("proposal-wrong-state",
            $"The proposal is {Camel(Status)}; {action} needs it {string.Join(" or ", allowed.Select(Camel))}.",
            new Dictionary<string, object?> { ["proposalStatus"] = Camel(Status) });
    }

    public static string Camel(ProposalStatus status) => EnumNames.Camel(status);
}
