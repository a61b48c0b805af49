using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.SandboxApplications.Regimes.Establishing;

namespace SandboxRegistry.SandboxApplications.Proposals.Deciding;

/// <param name="LegalBasis">The act adopted that establishes the regime (258-FZ art. 8: a decree of the Government or the Bank of
/// Russia); it replaces the draft's proposed act in the programme.</param>
public sealed record ApproveProposalRequest(LegalBasisRequest LegalBasis, [property: FreeText] string? Text);

public sealed record RefuseProposalRequest(ProposalRefusalGround? Ground, [property: FreeText] IReadOnlyList<string> Reasons);

public sealed record ReworkProposalRequest([property: FreeText] IReadOnlyList<string> Reasons);

public sealed class ApproveProposalValidator : AbstractValidator<ApproveProposalRequest>
{
    public ApproveProposalValidator()
    {
        RuleFor(r => r.LegalBasis).NotNull().ChildRules(basis =>
        {
            basis.RuleFor(b => b.ActNumber).NotEmpty().MaximumLength(200);
            basis.RuleFor(b => b.ActDate).NotEmpty();
        });
        RuleFor(r => r.Text).MaximumLength(10_000);
    }
}

public sealed class RefuseProposalValidator : AbstractValidator<RefuseProposalRequest>
{
    public RefuseProposalValidator()
    {
        RuleFor(r => r.Ground).NotNull().IsInEnum();
        RuleFor(r => r.Reasons).NotEmpty();
        RuleForEach(r => r.Reasons).Text();
    }
}

public sealed class ReworkProposalValidator : AbstractValidator<ReworkProposalRequest>
{
    public ReworkProposalValidator()
    {
        RuleFor(r => r.Reasons).NotEmpty();
        RuleForEach(r => r.Reasons).Text();
    }
}

public sealed record ProposalApprovedResponse(Guid Id, long Version, Guid RegimeId);

public static class DecideProposal
{
    private static void EnsureAwaitingDecision(Proposal proposal, string action)
    {
        if (proposal.Status == ProposalStatus.UnderConsultation)
            throw new DomainRuleViolation("consultation-open", "The opinions are still being collected; the coordinating body decides after.");
        proposal.EnsureStatus(action, ProposalStatus.AwaitingDecision);
    }

    /// <summary>
    /// The coordinating body approves: the regime is established from the approved programme under the act adopted, and linked
    /// to its proposal. The maximum term (258-FZ art. 10, from the profile) is checked again, as the profile may have changed.
    /// A decision after its day is still recorded (its clock shows it late).
    /// </summary>
    public static (ProposalApproved Approved, RegimeEstablished Established) Approve(Proposal proposal, ApproveProposalRequest request,
        Guid regimeId, JurisdictionProfile profile, Actor by, DateTimeOffset now)
    {
        EnsureAwaitingDecision(proposal, "approving");
        var programme = proposal.Content.Programme with
        {
            LegalBasis = new LegalBasis(request.LegalBasis.ActNumber.Trim(), request.LegalBasis.ActDate),
        };
        RegimeTerm.EnsureWithinMaximum(programme.StartsOn, programme.EndsOn, profile);
        return (
            new ProposalApproved(proposal.Id, regimeId, programme.LegalBasis, request.Text?.Trim(), profile.DateOf(now), by, now),
            new RegimeEstablished(regimeId, programme, by, now) { ProposalId = proposal.Id });
    }

    /// <summary>A reasoned refusal, naming its ground; the proposal is closed.</summary>
    public static ProposalRefused Refuse(Proposal proposal, RefuseProposalRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        EnsureAwaitingDecision(proposal, "refusing");
        return new ProposalRefused(proposal.Id, request.Ground!.Value, request.Reasons.Select(r => r.Trim()).ToList(), profile.DateOf(now),
            by, now);
    }

    /// <summary>The coordinating body sends the proposal back for rework; the initiator may revise and resubmit it.</summary>
    public static ProposalReturned Rework(Proposal proposal, ReworkProposalRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        EnsureAwaitingDecision(proposal, "sending for rework");
        return new ProposalReturned(proposal.Id, proposal.Round, ReturnStage.Decision, request.Reasons.Select(r => r.Trim()).ToList(),
            profile.DateOf(now), by, now);
    }

    public static async Task<Ok<ProposalApprovedResponse>> HandleApproval(Guid id, ApproveProposalRequest request, IDocumentSession session,
        TimeProvider clock, IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct)
    {
        var regimeId = Guid.CreateVersion7();
        var (_, changed) = await session.Decided<Proposal, ProposalApproved>(id, http, proposal =>
        {
            var (approved, established) = Approve(proposal, request, regimeId, profile.Value, Actor.From(http.User), clock.GetUtcNow());
            // One transaction: never an approval without its regime.
            session.Events.StartStream<Regime>(regimeId, established);
            return Task.FromResult(approved);
        }, ct);
        return TypedResults.Ok(new ProposalApprovedResponse(id, changed.Version, regimeId));
    }

    public static Task<Ok<Changed>> HandleRefusal(Guid id, RefuseProposalRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        session.Decide<Proposal>(id, http, p => Refuse(p, request, profile.Value, Actor.From(http.User), clock.GetUtcNow()), ct);

    public static Task<Ok<Changed>> HandleRework(Guid id, ReworkProposalRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        session.Decide<Proposal>(id, http, p => Rework(p, request, profile.Value, Actor.From(http.User), clock.GetUtcNow()), ct);
}
