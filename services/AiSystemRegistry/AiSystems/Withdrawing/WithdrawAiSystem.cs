using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.AiSystemRegistry.Deployments;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.Withdrawing;

public sealed record WithdrawAiSystemRequest([property: FreeText] string Reason);

public sealed class WithdrawAiSystemValidator : AbstractValidator<WithdrawAiSystemRequest>
{
    public WithdrawAiSystemValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2000);
}

public static class WithdrawAiSystem
{
    public static AiSystemWithdrawn Decide(AiSystem system, WithdrawAiSystemRequest r, Actor by, DateTimeOffset now)
    {
        AiSystemRules.EnsureNotWithdrawn(system);
        AiSystemRules.EnsureNoVersionHeld(system);
        return new AiSystemWithdrawn(system.Id, r.Reason.Trim(), by, now);
    }

    /// <summary>Withdrawing is final: the system's deployments end with it.</summary>
    public static Task<Ok<Changed>> Handle(Guid id, WithdrawAiSystemRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<AiSystem>(id, http, async system =>
        {
            var now = clock.GetUtcNow();
            var withdrawn = Decide(system, request, Actor.From(http.User), now);
            await DeploymentsModule.CascadeAsync(session, d => d.AiSystemId == id,
                d => Deployment.EndOnItsOwn(d, $"The AI system was withdrawn: {withdrawn.Reason}", null, now, now), ct);
            return (object)withdrawn;
        }, ct);
}
