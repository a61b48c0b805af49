using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.SandboxApplications.Applications.Rejecting;

/// <param name="GroundText">The ground in words; required when the ground is "other".</param>
public sealed record RejectApplicationRequest(RejectionGround Ground, [property: FreeText] string? GroundText, [property: FreeText] IReadOnlyList<string> Reasons);

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

    public static Task<Ok<Changed>> Handle(Guid id, RejectApplicationRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Application>(id, http, a => Decide(a, request, Actor.From(http.User), clock.GetUtcNow()), ct);
}
