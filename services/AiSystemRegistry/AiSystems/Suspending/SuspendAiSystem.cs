using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.Suspending;

public sealed record SuspendAiSystemRequest([property: FreeText] string Reason);

public sealed class SuspendAiSystemValidator : AbstractValidator<SuspendAiSystemRequest>
{
    public SuspendAiSystemValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2000);
}

public static class SuspendAiSystem
{
    /// <summary>A suspended system takes no new versions or deployments; deployments already running are the participation's matter.</summary>
    public static AiSystemSuspended Decide(AiSystem system, SuspendAiSystemRequest r, Actor by, DateTimeOffset now)
    {
        AiSystemRules.EnsureNotWithdrawn(system);
        if (system.Status == AiSystemStatus.Suspended)
            throw new DomainRuleViolation("ai-system-suspended", "The AI system is already suspended.");
        return new AiSystemSuspended(system.Id, r.Reason.Trim(), by, now);
    }

    public static Task<Ok<Changed>> Handle(Guid id, SuspendAiSystemRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<AiSystem>(id, http, s => Decide(s, request, Actor.From(http.User), clock.GetUtcNow()), ct);
}
