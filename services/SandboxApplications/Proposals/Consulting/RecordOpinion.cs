using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace SandboxRegistry.SandboxApplications.Proposals.Consulting;

/// <param name="Body">The consulted body that gave the opinion, as named at registration.</param>
/// <param name="ReceivedOn">The day the opinion arrived; today when absent.</param>
public sealed record RecordOpinionRequest(string Body, OpinionConclusion? Conclusion, [property: FreeText] string Text, DateOnly? ReceivedOn);

public sealed class RecordOpinionValidator : AbstractValidator<RecordOpinionRequest>
{
    public RecordOpinionValidator()
    {
        RuleFor(r => r.Body).Text(500);
        RuleFor(r => r.Conclusion).NotNull().IsInEnum();
        RuleFor(r => r.Text).Text(10_000);
    }
}

public static class RecordOpinion
{
    /// <summary>
    /// The authorised body records each consulted body's opinion on its behalf, once. The consultation lasts until the last
    /// period ends: an opinion of the shorter period that arrives after it but within the longer one is recorded late (its clock
    /// shows it); one that arrives after every period, or after the consultation closed, is refused. The last opinion awaited
    /// closes the consultation, and the coordinating body's period (20 working days) runs from the day it arrived.
    /// </summary>
    public static IReadOnlyList<object> Decide(Proposal proposal, RecordOpinionRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        if (proposal.Status == ProposalStatus.AwaitingDecision)
            throw new DomainRuleViolation("consultation-closed", "The consultation has closed; the proposal awaits the coordinating body's decision.");
        proposal.EnsureStatus("recording an opinion", ProposalStatus.UnderConsultation);
        var body = proposal.Bodies.FirstOrDefault(b => string.Equals(b.Name, request.Body.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new DomainRuleViolation("body-not-consulted", $"{request.Body.Trim()} was not asked for an opinion on this proposal.",
                new Dictionary<string, object?> { ["bodies"] = proposal.Bodies.Select(b => b.Name).ToList() });
        if (proposal.Opinions.Any(o => string.Equals(o.Body, body.Name, StringComparison.OrdinalIgnoreCase)))
            throw new DomainRuleViolation("opinion-already-recorded", $"{body.Name}'s opinion is already recorded.");
        var today = profile.DateOf(now);
        var receivedOn = request.ReceivedOn ?? today;
        if (receivedOn > today)
            throw new DomainRuleViolation("opinion-in-the-future", "An opinion is recorded once it has arrived.");
        if (receivedOn < proposal.RegisteredOn)
            throw new DomainRuleViolation("opinion-before-registration", "An opinion answers the registered proposal: it cannot have arrived before.");
        if (receivedOn > proposal.ConsultationEndsOn)
            throw new DomainRuleViolation("consultation-period-ended",
                $"Every opinion period ended on {proposal.ConsultationEndsOn:yyyy-MM-dd}; an opinion received later is not part of the consultation.");

        var dueOn = (body.Kind == BodyKind.RegulatoryBody ? proposal.RegulatorsDueOn : proposal.OthersDueOn)!.Value;
        var opinion = new Opinion(body.Name, body.Kind, request.Conclusion!.Value, request.Text.Trim(), receivedOn);
        var recorded = new OpinionRecorded(proposal.Id, proposal.Round, opinion, dueOn, by, now);
        var after = proposal.Apply(recorded);
        return after.Unanswered().Any() ? [recorded] : [recorded, Close(after, after.Opinions.Max(o => o.ReceivedOn), profile, now)];
    }

    /// <summary>The consultation closes on <paramref name="closedOn"/>; the decision is due 20 working days after.</summary>
    public static ConsultationClosed Close(Proposal proposal, DateOnly closedOn, JurisdictionProfile profile, DateTimeOffset now) =>
        new(proposal.Id, proposal.Round, closedOn, profile.WorkingDays().AddWorkingDays(closedOn, profile.ProposalDecisionWorkingDays),
            proposal.Unanswered().Select(b => b.Name).ToList(), now);

    public static async Task<Ok<Changed>> Handle(Guid id, RecordOpinionRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await session.DecideAll<Proposal>(id, http,
            p => Task.FromResult(Decide(p, request, profile.Value, Actor.From(http.User), clock.GetUtcNow())), ct));
}
