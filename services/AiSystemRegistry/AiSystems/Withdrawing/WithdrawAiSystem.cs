using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.AiSystemRegistry.Deployments;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.Withdrawing;

public sealed record WithdrawAiSystemRequest(string Reason);

public sealed class WithdrawAiSystemValidator : AbstractValidator<WithdrawAiSystemRequest>
{
    public WithdrawAiSystemValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2000);
}

public static class WithdrawAiSystem
{
    public static AiSystemWithdrawn Decide(AiSystem system, WithdrawAiSystemRequest r, Actor by, DateTimeOffset now)
    {
        AiSystemRules.EnsureNotWithdrawn(system);
        return new AiSystemWithdrawn(system.Id, r.Reason.Trim(), by, now);
    }

    /// <summary>Withdrawing is final: the system's deployments end with it.</summary>
    public static void MapWithdrawAiSystem(this RouteGroupBuilder systems) =>
        systems.MapPost("/{id:guid}/withdrawal", async (Guid id, WithdrawAiSystemRequest request, IDocumentSession session,
                TimeProvider clock, ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var by = Actor.From(user);
                var now = clock.GetUtcNow();
                var stream = await AiSystemsModule.FetchForWritingAsync(session, http.Request, id, by, ct);
                var withdrawn = Decide(stream.Aggregate!, request, by, now);
                stream.AppendOne(withdrawn);
                await DeploymentsModule.CascadeAsync(session, d => d.AiSystemId == id,
                    d => Deployment.EndOnItsOwn(d, $"The AI system was withdrawn: {withdrawn.Reason}", null, now), ct);
                await session.SaveChangesAsync(ct);
                return AiSystemsModule.Changed(http.Response, id, (stream.StartingVersion ?? 0) + 1);
            })
            .RequireAuthorization(Policies.Applicant)
            .WithValidation()
            .WithName("WithdrawAiSystem")
            .Produces<Changed>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
