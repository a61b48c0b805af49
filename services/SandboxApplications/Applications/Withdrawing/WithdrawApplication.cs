using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.SandboxApplications.Applications.Withdrawing;

public sealed record WithdrawApplicationRequest(string? Reason);

public sealed class WithdrawApplicationValidator : AbstractValidator<WithdrawApplicationRequest>
{
    public WithdrawApplicationValidator() => RuleFor(r => r.Reason).MaximumLength(2000);
}

public static class WithdrawApplication
{
    public static ApplicationWithdrawn Decide(Application application, string? reason, Actor by, DateTimeOffset now)
    {
        application.EnsureOpen();
        return new ApplicationWithdrawn(application.Id, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), by, now);
    }

    public static void MapWithdrawApplication(this RouteGroupBuilder applications) =>
        applications.MapPost("/{id:guid}/withdrawal", async (Guid id, WithdrawApplicationRequest? request, IDocumentSession session,
                TimeProvider clock, ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var by = Actor.From(user);
                var stream = await session.FetchAsync<Application>(id, http.Request, ct);
                var version = await session.AppendAsync(stream, [Decide(stream.Aggregate!, request?.Reason, by, clock.GetUtcNow())],
                    http.Response, ct);
                return Results.Ok(new CommandAccepted(id, version));
            })
            .RequireAuthorization(Policies.Applicant)
            .WithValidation()
            .WithName("WithdrawApplication")
            .Produces<CommandAccepted>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}
