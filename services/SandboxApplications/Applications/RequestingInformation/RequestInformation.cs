using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.Extensions.Options;

namespace SandboxRegistry.SandboxApplications.Applications.RequestingInformation;

public sealed record RequestInformationRequest(IReadOnlyList<string> Questions);

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

    public static void MapRequestInformation(this RouteGroupBuilder applications) =>
        applications.MapPost("/{id:guid}/information-requests", async (Guid id, RequestInformationRequest request,
                IDocumentSession session, TimeProvider clock, IOptions<JurisdictionProfile> profile, ClaimsPrincipal user, HttpContext http,
                CancellationToken ct) =>
            {
                var stream = await session.FetchAsync<Application>(id, http.Request, ct);
                var now = clock.GetUtcNow();
                var version = await session.AppendAsync(stream,
                    [Decide(stream.Aggregate!, request.Questions, profile.Value.DateOf(now), Actor.From(user), now)], http.Response, ct);
                return Results.Ok(new CommandAccepted(id, version));
            })
            .RequireAuthorization(Policies.Regulator)
            .WithValidation()
            .WithName("RequestInformation")
            .Produces<CommandAccepted>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
