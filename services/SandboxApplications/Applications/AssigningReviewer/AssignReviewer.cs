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

    public static void MapAssignReviewer(this RouteGroupBuilder applications) =>
        applications.MapPost("/{id:guid}/reviewer", async (Guid id, AssignReviewerRequest request, IDocumentSession session,
                TimeProvider clock, ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var stream = await session.FetchAsync<Application>(id, http.Request, ct);
                var version = await session.AppendAsync(stream,
                    [Decide(stream.Aggregate!, request.Reviewer, Actor.From(user), clock.GetUtcNow())], http.Response, ct);
                return Results.Ok(new CommandAccepted(id, version));
            })
            .RequireAuthorization(Policies.Regulator)
            .WithValidation()
            .WithName("AssignReviewer")
            .Produces<CommandAccepted>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
