using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.SandboxApplications.Applications.Withdrawing;

public sealed record WithdrawApplicationRequest([property: FreeText] string? Reason);

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

    public static Task<Ok<Changed>> Handle(Guid id, WithdrawApplicationRequest? request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Application>(id, http, a => Decide(a, request?.Reason, Actor.From(http.User), clock.GetUtcNow()), ct);
}
