using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.SandboxApplications.Regimes.Establishing;

namespace SandboxRegistry.SandboxApplications.Proposals.Submitting;

/// <summary>The initiator's company; its OGRN is the one the applicant's token was issued to.</summary>
public sealed record InitiatorRequest(string LegalName, string Inn, string Address);

public sealed record RiskRequest([property: FreeText] string Description, RiskLevel? Likelihood, RiskLevel? Impact,
    [property: FreeText] string Mitigation);

public sealed record RiskAssessmentRequest([property: FreeText] string Summary, IReadOnlyList<RiskRequest> Risks);

/// <summary>
/// An initiative proposal (258-FZ art. 6): the draft programme in the shape of a regime's (its disappliedNorms are the norms
/// to disapply, its expectedResults the expected results and their measures, its insurance the proposed requirements), the
/// regulatory barrier, the justification and the risk assessment.
/// </summary>
public sealed record SubmitProposalRequest(
    InitiatorRequest Initiator,
    EstablishRegimeRequest Programme,
    [property: FreeText] string RegulatoryBarrier,
    [property: FreeText] string Justification,
    RiskAssessmentRequest RiskAssessment);

/// <param name="Changes">What the initiator changed, in answer to the reasons it was returned for.</param>
public sealed record ResubmitProposalRequest(
    [property: FreeText] string Changes,
    EstablishRegimeRequest Programme,
    [property: FreeText] string RegulatoryBarrier,
    [property: FreeText] string Justification,
    RiskAssessmentRequest RiskAssessment);

public sealed class RiskAssessmentValidator : AbstractValidator<RiskAssessmentRequest>
{
    public RiskAssessmentValidator()
    {
        RuleFor(r => r.Summary).Text(10_000);
        RuleFor(r => r.Risks).NotEmpty();
        RuleForEach(r => r.Risks).ChildRules(risk =>
        {
            risk.RuleFor(x => x.Description).Text();
            risk.RuleFor(x => x.Likelihood).NotNull().IsInEnum();
            risk.RuleFor(x => x.Impact).NotNull().IsInEnum();
            risk.RuleFor(x => x.Mitigation).Text();
        });
    }
}

/// <summary>A proposal's programme is a regime's, and must also name what it disapplies and what it is to achieve.</summary>
public static class DraftProgrammeRules
{
    public static void DraftProgramme<T>(this AbstractValidator<T> validator, System.Linq.Expressions.Expression<Func<T, EstablishRegimeRequest>> programme)
    {
        validator.RuleFor(programme).NotNull().SetValidator(new EstablishRegimeValidator());
        var compiled = programme.Compile();
        validator.RuleFor(r => compiled(r) == null ? null : compiled(r).DisappliedNorms).NotEmpty().When(r => compiled(r) is not null)
            .OverridePropertyName("programme.disappliedNorms")
            .WithMessage("Name the norms the regime is to disapply.");
        validator.RuleFor(r => compiled(r) == null ? null : compiled(r).ExpectedResults).NotEmpty().When(r => compiled(r) is not null)
            .OverridePropertyName("programme.expectedResults")
            .WithMessage("Name the results the regime is expected to achieve and their measures.");
    }
}

public sealed class SubmitProposalValidator : AbstractValidator<SubmitProposalRequest>
{
    public SubmitProposalValidator()
    {
        RuleFor(r => r.Initiator).NotNull().ChildRules(initiator =>
        {
            initiator.RuleFor(i => i.LegalName).Text(500);
            initiator.RuleFor(i => i.Inn).Inn();
            initiator.RuleFor(i => i.Address).Text(1000);
        });
        this.DraftProgramme(r => r.Programme);
        RuleFor(r => r.RegulatoryBarrier).Text(10_000);
        RuleFor(r => r.Justification).Text(10_000);
        RuleFor(r => r.RiskAssessment).NotNull().SetValidator(new RiskAssessmentValidator());
    }
}

public sealed class ResubmitProposalValidator : AbstractValidator<ResubmitProposalRequest>
{
    public ResubmitProposalValidator()
    {
        RuleFor(r => r.Changes).Text(10_000);
        this.DraftProgramme(r => r.Programme);
        RuleFor(r => r.RegulatoryBarrier).Text(10_000);
        RuleFor(r => r.Justification).Text(10_000);
        RuleFor(r => r.RiskAssessment).NotNull().SetValidator(new RiskAssessmentValidator());
    }
}

public static class SubmitProposal
{
    /// <summary>The content as recorded; the draft programme keeps within the profile's maximum term (258-FZ art. 10).</summary>
    public static ProposalContent Content(EstablishRegimeRequest programme, string barrier, string justification, RiskAssessmentRequest risks,
        JurisdictionProfile profile) => new(EstablishRegime.ToProgramme(programme, profile), barrier.Trim(), justification.Trim(),
        new RiskAssessment(risks.Summary.Trim(),
            risks.Risks.Select(r => new Risk(r.Description.Trim(), r.Likelihood!.Value, r.Impact!.Value, r.Mitigation.Trim())).ToList()));

    /// <summary>The authorised body's period to register or return runs from the day after the proposal arrives.</summary>
    public static DateOnly RegistrationDue(JurisdictionProfile profile, DateTimeOffset now) =>
        profile.WorkingDays().AddWorkingDays(profile.DateOf(now), profile.ProposalRegistrationWorkingDays);

    public static ProposalSubmitted Decide(Guid proposalId, string ogrn, SubmitProposalRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        var content = Content(request.Programme, request.RegulatoryBarrier, request.Justification, request.RiskAssessment, profile);
        var initiator = new Initiator(request.Initiator.LegalName.Trim(), ogrn, request.Initiator.Inn, request.Initiator.Address.Trim());
        return new ProposalSubmitted(proposalId, initiator, content, 1, RegistrationDue(profile, now), by, now);
    }

    /// <summary>The rework loop: a returned proposal comes back revised as a new round, and every clock starts again.</summary>
    public static ProposalResubmitted Resubmit(Proposal proposal, ResubmitProposalRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        proposal.EnsureStatus("resubmitting", ProposalStatus.Returned);
        var content = Content(request.Programme, request.RegulatoryBarrier, request.Justification, request.RiskAssessment, profile);
        return new ProposalResubmitted(proposal.Id, content, request.Changes.Trim(), proposal.Round + 1, RegistrationDue(profile, now), by, now);
    }

    public static async Task<Created<Changed>> Handle(SubmitProposalRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct)
    {
        var by = Actor.From(http.User);
        var id = Guid.CreateVersion7();
        // The applicant policy demands the org claim: the initiator is the company the token was issued to.
        session.Events.StartStream<Proposal>(id, Decide(id, by.Org!, request, profile.Value, by, clock.GetUtcNow()));
        await session.CommitAsync(ct);
        return Commands.Started(http.Response, $"/api/v1/proposals/{id}", id);
    }

    public static Task<Ok<Changed>> HandleResubmission(Guid id, ResubmitProposalRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        session.Decide<Proposal>(id, http, p => Resubmit(p, request, profile.Value, Actor.From(http.User), clock.GetUtcNow()), ct);
}
