using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace SandboxRegistry.SandboxApplications.Proposals.Registering;

public sealed record ConsultedBodyRequest(string Name, BodyKind? Kind);

/// <param name="RegistrationNumber">The authorised body's number for the proposal.</param>
/// <param name="Bodies">The regulatory bodies concerned, business community organisations and regional executive bodies whose
/// opinions are asked for.</param>
public sealed record RegisterProposalRequest(string RegistrationNumber, IReadOnlyList<ConsultedBodyRequest> Bodies);

public sealed record ReturnProposalRequest([property: FreeText] IReadOnlyList<string> Reasons);

public sealed class RegisterProposalValidator : AbstractValidator<RegisterProposalRequest>
{
    public RegisterProposalValidator()
    {
        RuleFor(r => r.RegistrationNumber).Text(100);
        RuleFor(r => r.Bodies).NotEmpty();
        RuleForEach(r => r.Bodies).ChildRules(body =>
        {
            body.RuleFor(b => b.Name).Text(500);
            body.RuleFor(b => b.Kind).NotNull().IsInEnum();
        });
        RuleFor(r => r.Bodies).Must(b => b is null || b.Select(x => x.Name?.Trim().ToUpperInvariant()).Distinct().Count() == b.Count)
            .WithMessage("Name each body once.");
        RuleFor(r => r.Bodies).Must(b => b is null || b.Any(x => x.Kind == BodyKind.RegulatoryBody))
            .WithMessage("Ask at least one regulatory body concerned.");
    }
}

public sealed class ReturnProposalValidator : AbstractValidator<ReturnProposalRequest>
{
    public ReturnProposalValidator()
    {
        RuleFor(r => r.Reasons).NotEmpty();
        RuleForEach(r => r.Reasons).Text();
    }
}

public static class RegisterProposal
{
    /// <summary>
    /// 258-FZ art. 6 as amended by 169-FZ: the authorised body registers a complete proposal and asks, in parallel, the
    /// regulatory bodies concerned (15 working days) and business community organisations and regional executive bodies (10)
    /// for their opinions. A registration after its day is still recorded (its clock shows it late).
    /// </summary>
    public static ProposalRegistered Decide(Proposal proposal, RegisterProposalRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        proposal.EnsureStatus("registering", ProposalStatus.Submitted);
        var today = profile.DateOf(now);
        var calendar = profile.WorkingDays();
        var bodies = request.Bodies.Select(b => new ConsultedBody(b.Name.Trim(), b.Kind!.Value)).ToList();
        DateOnly? Due(bool regulators, int days) => bodies.Any(b => (b.Kind == BodyKind.RegulatoryBody) == regulators)
            ? calendar.AddWorkingDays(today, days) : null;
        return new ProposalRegistered(proposal.Id, proposal.Round, request.RegistrationNumber.Trim(), bodies, today,
            Due(true, profile.ProposalRegulatorOpinionWorkingDays), Due(false, profile.ProposalOtherOpinionWorkingDays), by, now);
    }

    /// <summary>An incomplete proposal goes back to its initiator with the reasons; the initiator may revise and resubmit.</summary>
    public static ProposalReturned Return(Proposal proposal, ReturnProposalRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        proposal.EnsureStatus("returning as incomplete", ProposalStatus.Submitted);
        return new ProposalReturned(proposal.Id, proposal.Round, ReturnStage.Registration, request.Reasons.Select(r => r.Trim()).ToList(),
            profile.DateOf(now), by, now);
    }

    public static Task<Ok<Changed>> Handle(Guid id, RegisterProposalRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        session.Decide<Proposal>(id, http, p => Decide(p, request, profile.Value, Actor.From(http.User), clock.GetUtcNow()), ct);

    public static Task<Ok<Changed>> HandleReturn(Guid id, ReturnProposalRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        session.Decide<Proposal>(id, http, p => Return(p, request, profile.Value, Actor.From(http.User), clock.GetUtcNow()), ct);
}
