using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.SandboxApplications.Applications.Rejecting;

/// <param name="GroundText">The ground in words; required when the ground is "other".</param>
public sealed record RejectApplicationRequest(RejectionGround Ground, string? GroundText, IReadOnlyList<string> Reasons);

public sealed class RejectApplicationValidator : AbstractValidator<RejectApplicationRequest>
{
    public RejectApplicationValidator()
    {
        RuleFor(r => r.Ground).IsInEnum();
        RuleFor(r => r.GroundText!).Text().When(r => r.Ground == RejectionGround.Other);
        RuleFor(r => r.GroundText).MaximumLength(2000);
        RuleFor(r => r.Reasons).NotEmpty();
        RuleForEach(r => r.Reasons).Text();
    }
}

public static class RejectApplication
{
    /// <summary>258-FZ art. 11: a refusal must be reasoned and name its ground.</summary>
    public static ApplicationRejected Decide(Application application, RejectApplicationRequest request, Actor by, DateTimeOffset now)
    {
        application.EnsureOpen();
        if (application.Status == ApplicationStatus.Submitted)
            throw new DomainRuleViolation("review-not-started", "Assign a reviewer before deciding.");
        return new ApplicationRejected(application.Id, request.Ground, request.GroundText?.Trim(),
            request.Reasons.Select(r => r.Trim()).ToList(), by, now);
    }

    public static void MapRejectApplication(this RouteGroupBuilder applications) =>
        applications.MapPost("/{id:guid}/rejection", async (Guid id, RejectApplicationRequest request, IDocumentSession session,
                TimeProvider clock, ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var stream = await session.FetchAsync<Application>(id, http.Request, ct);
                var version = await session.AppendAsync(stream, [Decide(stream.Aggregate!, request, Actor.From(user), clock.GetUtcNow())],
                    http.Response, ct);
                return Results.Ok(new CommandAccepted(id, version));
            })
            .RequireAuthorization(Policies.Regulator)
            .WithValidation()
            .WithName("RejectApplication")
            .Produces<CommandAccepted>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
