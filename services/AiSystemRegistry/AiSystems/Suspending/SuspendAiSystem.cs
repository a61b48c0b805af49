using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.Suspending;

public sealed record SuspendAiSystemRequest(string Reason);

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

    public static void MapSuspendAiSystem(this RouteGroupBuilder systems) =>
        systems.MapPost("/{id:guid}/suspension", async (Guid id, SuspendAiSystemRequest request, IDocumentSession session,
                TimeProvider clock, ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var by = Actor.From(user);
                var stream = await AiSystemsModule.FetchForWritingAsync(session, http.Request, id, by, ct);
                stream.AppendOne(Decide(stream.Aggregate!, request, by, clock.GetUtcNow()));
                await session.SaveChangesAsync(ct);
                return AiSystemsModule.Changed(http.Response, id, (stream.StartingVersion ?? 0) + 1);
            })
            .RequireAuthorization(Policies.Regulator)
            .WithValidation()
            .WithName("SuspendAiSystem")
            .Produces<Changed>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
