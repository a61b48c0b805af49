using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.SandboxApplications.Applications.AssigningReviewer;

public sealed record AssignReviewerRequest(string Reviewer);

public sealed class AssignReviewerValidator : AbstractValidator<AssignReviewerRequest>
{
    public AssignReviewerValidator() => RuleFor(r => r.Reviewer).Text(200);
}

public static class AssignReviewer
{
    /// <summary>Assigning the first reviewer starts the review; a later assignment hands it to someone else.</summary>
    public static ReviewerAssigned Decide(Application application, string reviewer, Actor by, DateTimeOffset now)
    {
        application.EnsureOpen();
        if (application.Reviewer == reviewer.Trim())
            throw new DomainRuleViolation("reviewer-already-assigned", "This reviewer is already assigned.");
        return new ReviewerAssigned(application.Id, reviewer.Trim(), by, now);
    }

    public static Task<Ok<Changed>> Handle(Guid id, AssignReviewerRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Application>(id, http, a => Decide(a, request.Reviewer, Actor.From(http.User), clock.GetUtcNow()), ct);
}
