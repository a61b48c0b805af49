using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.Extensions.Options;

namespace SandboxRegistry.SandboxApplications.Applications.RequestingInformation;

public sealed record RequestInformationRequest([property: FreeText] IReadOnlyList<string> Questions);

public sealed class RequestInformationValidator : AbstractValidator<RequestInformationRequest>
{
    public RequestInformationValidator()
    {
        RuleFor(r => r.Questions).NotEmpty();
        RuleForEach(r => r.Questions).Text();
    }
}

public static class RequestInformation
{
    /// <summary>The review period stops running while the applicant prepares the answer.</summary>
    public static InformationRequested Decide(Application application, IReadOnlyList<string> questions, DateOnly today, Actor by,
        DateTimeOffset now)
    {
        application.EnsureOpen();
        return application.Status switch
        {
            ApplicationStatus.UnderReview => new InformationRequested(application.Id, questions.Select(q => q.Trim()).ToList(), today, by, now),
            ApplicationStatus.InformationRequested => throw new DomainRuleViolation("information-already-requested",
                "The applicant has not answered the previous request yet."),
            _ => throw new DomainRuleViolation("review-not-started", "Assign a reviewer before requesting information."),
        };
    }

    public static Task<Ok<Changed>> Handle(Guid id, RequestInformationRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return session.Decide<Application>(id, http, a => Decide(a, request.Questions, profile.Value.DateOf(now), Actor.From(http.User), now), ct);
    }
}
