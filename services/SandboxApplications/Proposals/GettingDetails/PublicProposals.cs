using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Proposals.Commenting;
using SandboxRegistry.SandboxApplications.Regimes;

namespace SandboxRegistry.SandboxApplications.Proposals.GettingDetails;

public sealed record PublicOpinion(string Body, BodyKind Kind, OpinionConclusion Conclusion, string Text, DateOnly ReceivedOn, bool Late);

public sealed record PublicDecision(ProposalOutcome Outcome, DateOnly DecidedOn, Guid? RegimeId, LegalBasis? LegalBasis, string? Text,
    ProposalRefusalGround? Ground, IReadOnlyList<string>? Reasons);

public sealed record PublicReturn(int Round, ReturnStage Stage, IReadOnlyList<string> Reasons, DateOnly ReturnedOn);

/// <summary>
/// A registered proposal as everyone sees it, for public discussion: the initiator company (name and OGRN, public as for
/// applications), the draft, the procedure and its clocks. No address, no INN, no official's account, no personal data.
/// </summary>
public sealed record PublicProposal(
    Guid Id,
    ProposalStatus Status,
    int Round,
    string InitiatorName,
    string InitiatorOgrn,
    Programme Programme,
    string RegulatoryBarrier,
    string Justification,
    RiskAssessment RiskAssessment,
    string? RegistrationNumber,
    DateOnly? RegisteredOn,
    IReadOnlyList<ConsultedBody> Bodies,
    IReadOnlyList<PublicOpinion> Opinions,
    IReadOnlyList<PublicReturn> Returns,
    IReadOnlyList<ProposalClock> Clocks,
    PublicDecision? Decision,
    bool DiscussionOpen)
{
    public static PublicProposal From(ProposalDetails p) => new(p.Id, p.Status, p.Round, p.Initiator.LegalName, p.Initiator.Ogrn,
        p.Content.Programme, p.Content.RegulatoryBarrier, p.Content.Justification, p.Content.RiskAssessment, p.RegistrationNumber, p.RegisteredOn,
        p.Bodies, p.Opinions.Where(o => o.Round == p.Round).Select(o => new PublicOpinion(o.Body, o.Kind, o.Conclusion, o.Text, o.ReceivedOn, o.Late)).ToList(),
        p.Returns.Select(r => new PublicReturn(r.Round, r.Stage, r.Reasons, r.ReturnedOn)).ToList(), p.Clocks,
        p.Decision is { } d ? new PublicDecision(d.Outcome, d.DecidedOn, d.RegimeId, d.LegalBasis, d.Text, d.Ground, d.Reasons) : null,
        PublicComments.DiscussionOpen(p.Status));
}

/// <summary>One line of the public list.</summary>
public sealed record PublicProposalSummary(Guid Id, ProposalStatus Status, string Title, Direction Direction, string InitiatorName,
    string InitiatorOgrn, IReadOnlyList<string> Territory, DateOnly? RegisteredOn, bool DiscussionOpen, Guid? RegimeId);

/// <param name="DiscussionOpen">true: only proposals open for public discussion now.</param>
public sealed record PublicProposalListQuery(string? Status, bool? DiscussionOpen, int? Page, int? PageSize) : IPagedQuery;

public sealed class PublicProposalListQueryValidator : AbstractValidator<PublicProposalListQuery>
{
    public PublicProposalListQueryValidator()
    {
        this.PagingRules();
        RuleFor(q => q.Status).EnumValue<PublicProposalListQuery, ProposalStatus>();
    }
}

public static class PublicProposals
{
    /// <summary>A proposal the public may see (registered at least once), or 404 as for one that does not exist.</summary>
    public static async Task<ProposalDetails> PublicOrNotFound(IQuerySession session, Guid id, CancellationToken ct) =>
        await session.LoadAsync<ProposalDetails>(id, ct) is { Public: true } p ? p : throw new ResourceNotFound("No such proposal.");

    public static async Task<Ok<ListPage<PublicProposalSummary>>> List([AsParameters] PublicProposalListQuery query, IQuerySession session,
        CancellationToken ct)
    {
        var list = session.Query<ProposalDetails>().Where(p => p.Public);
        if (QueryEnums.Parse<ProposalStatus>(query.Status) is { } status) list = list.Where(p => p.Status == status);
        if (query.DiscussionOpen is true)
            list = list.Where(p => p.Status == ProposalStatus.UnderConsultation || p.Status == ProposalStatus.AwaitingDecision);
        var page = await list.OrderByDescending(p => p.RegisteredOn).ThenBy(p => p.Id).ToPageAsync(query, ct);
        return TypedResults.Ok(page.Select(p => new PublicProposalSummary(p.Id, p.Status, p.Content.Programme.Title, p.Content.Programme.Direction,
            p.Initiator.LegalName, p.Initiator.Ogrn, p.Content.Programme.Territory, p.RegisteredOn, PublicComments.DiscussionOpen(p.Status),
            p.Decision?.RegimeId)));
    }

    public static async Task<Ok<PublicProposal>> Get(Guid id, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(PublicProposal.From(await PublicOrNotFound(session, id, ct)));
}
