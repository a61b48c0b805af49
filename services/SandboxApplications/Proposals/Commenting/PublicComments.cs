using FluentValidation;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Http.HttpResults;
using SandboxRegistry.SandboxApplications.Proposals.GettingDetails;

namespace SandboxRegistry.SandboxApplications.Proposals.Commenting;

/// <summary>
/// A comment anyone made in the public discussion of a proposal's draft programme: anonymous (no name, no contact, no
/// address stored), one stream each so that comments never contend with the proposal's own commands.
/// </summary>
public sealed record PublicCommentPosted(Guid CommentId, Guid ProposalId, string Text, DateTimeOffset PostedAt);

/// <summary>A regulator hid the comment from the public discussion; it stays stored and listed to regulators, never deleted.</summary>
public sealed record PublicCommentHidden(Guid CommentId, Guid ProposalId, string Reason, Actor HiddenBy, DateTimeOffset HiddenAt);

public sealed record PublicComment(Guid Id, Guid ProposalId, bool Hidden)
{
    public static PublicComment Create(PublicCommentPosted e) => new(e.CommentId, e.ProposalId, false);
    public PublicComment Apply(PublicCommentHidden _) => this with { Hidden = true };
}

/// <summary>A comment as regulators and auditors see it, hidden or not.</summary>
public sealed record CommentDetails(Guid Id, Guid ProposalId, string Text, DateTimeOffset PostedAt, bool Hidden = false, string? HiddenReason = null,
    string? HiddenBy = null, DateTimeOffset? HiddenAt = null)
{
    public long Version { get; init; }
}

/// <summary>A comment as the public discussion shows it.</summary>
public sealed record PublicCommentView(Guid Id, string Text, DateTimeOffset PostedAt);

public sealed partial class CommentDetailsProjection : SingleStreamProjection<CommentDetails, Guid>
{
    public static CommentDetails Create(PublicCommentPosted e) => new(e.CommentId, e.ProposalId, e.Text, e.PostedAt);

    public static CommentDetails Apply(PublicCommentHidden e, CommentDetails current) =>
        current with { Hidden = true, HiddenReason = e.Reason, HiddenBy = e.HiddenBy.Subject, HiddenAt = e.HiddenAt };
}

public sealed record PostCommentRequest([property: FreeText(4000)] string Text);

public sealed class PostCommentValidator : AbstractValidator<PostCommentRequest>
{
    public PostCommentValidator() => RuleFor(r => r.Text).Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage("'Text' must not be empty.")
        .MaximumLength(4000);
}

public sealed record HideCommentRequest([property: FreeText] string Reason);

public sealed class HideCommentValidator : AbstractValidator<HideCommentRequest>
{
    public HideCommentValidator() => RuleFor(r => r.Reason).Text();
}

public sealed record CommentListQuery(int? Page, int? PageSize) : IPagedQuery;

public sealed class CommentListQueryValidator : AbstractValidator<CommentListQuery>
{
    public CommentListQueryValidator() => this.PagingRules();
}

public static class PublicComments
{
    /// <summary>The discussion is open from registration until the coordinating body decides (or the proposal goes back).</summary>
    public static bool DiscussionOpen(ProposalStatus status) => status is ProposalStatus.UnderConsultation or ProposalStatus.AwaitingDecision;

    public static PublicCommentPosted Post(Guid commentId, ProposalDetails proposal, PostCommentRequest request, DateTimeOffset now)
    {
        if (!DiscussionOpen(proposal.Status))
            throw new DomainRuleViolation("discussion-closed", "The proposal is not open for public discussion now.");
        return new PublicCommentPosted(commentId, proposal.Id, request.Text.Trim(), now);
    }

    public static PublicCommentHidden Hide(PublicComment comment, HideCommentRequest request, Actor by, DateTimeOffset now)
    {
        if (comment.Hidden) throw new DomainRuleViolation("comment-already-hidden", "The comment is already hidden.");
        return new PublicCommentHidden(comment.Id, comment.ProposalId, request.Reason.Trim(), by, now);
    }

    /// <summary>Anonymous and rate-limited (RateLimits.Intake, per address); the commenter's address is not stored.</summary>
    public static async Task<Created<Changed>> HandlePost(Guid id, PostCommentRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var proposal = await PublicProposals.PublicOrNotFound(session, id, ct);
        var commentId = Guid.CreateVersion7();
        session.Events.StartStream<PublicComment>(commentId, Post(commentId, proposal, request, clock.GetUtcNow()));
        await session.CommitAsync(ct);
        return Commands.Started(http.Response, $"/api/v1/register/proposals/{id}/comments/{commentId}", commentId);
    }

    public static async Task<Ok<Changed>> HandleHide(Guid id, Guid commentId, HideCommentRequest request, IDocumentSession session,
        TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var comment = await session.LoadAsync<CommentDetails>(commentId, ct);
        if (comment is null || comment.ProposalId != id) throw new ResourceNotFound("No such comment on this proposal.");
        return await session.Decide<PublicComment>(commentId, http, c => Hide(c, request, Actor.From(http.User), clock.GetUtcNow()), ct);
    }

    /// <summary>The public discussion: visible comments, oldest first.</summary>
    public static async Task<Ok<ListPage<PublicCommentView>>> ListPublic(Guid id, [AsParameters] CommentListQuery query, IQuerySession session,
        CancellationToken ct)
    {
        await PublicProposals.PublicOrNotFound(session, id, ct);
        var page = await session.Query<CommentDetails>().Where(c => c.ProposalId == id && !c.Hidden)
            .OrderBy(c => c.PostedAt).ThenBy(c => c.Id).ToPageAsync(query, ct);
        return TypedResults.Ok(page.Select(c => new PublicCommentView(c.Id, c.Text, c.PostedAt)));
    }

    /// <summary>Every comment, hidden ones with who hid them and why, for regulators and auditors.</summary>
    public static async Task<Ok<ListPage<CommentDetails>>> ListAll(Guid id, [AsParameters] CommentListQuery query, IQuerySession session,
        CancellationToken ct)
    {
        _ = await session.LoadAsync<ProposalDetails>(id, ct) ?? throw new ResourceNotFound("No such proposal.");
        return TypedResults.Ok(await session.Query<CommentDetails>().Where(c => c.ProposalId == id)
            .OrderBy(c => c.PostedAt).ThenBy(c => c.Id).ToPageAsync(query, ct));
    }
}
