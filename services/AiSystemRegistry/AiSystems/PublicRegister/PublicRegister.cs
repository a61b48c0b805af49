using Marten;
using SandboxRegistry.AiSystemRegistry.AiSystems.GettingDetails;
using SandboxRegistry.AiSystemRegistry.Deployments.GettingDetails;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.PublicRegister;

/// <summary>A version in the public register: what was released and how many incidents were linked to it.</summary>
public sealed record PublicVersion(
    Guid Id,
    string Version,
    string ArtifactSha256,
    VersionStatus Status,
    DateTimeOffset ReleasedAt,
    string ChangeSummary,
    DateTimeOffset? RecalledAt,
    string? RecallReason,
    int IncidentCount);

/// <summary>
/// An AI system in the public register. Company data only: no persons, no incident ids, no commission flags (those are for
/// the owner and the regulator).
/// </summary>
public sealed record PublicAiSystem(
    Guid Id,
    string OwnerOgrn,
    string Name,
    string Description,
    string IntendedPurpose,
    Direction Direction,
    string DeveloperName,
    string OperatorName,
    AutonomyLevel AutonomyLevel,
    RiskClass RiskClass,
    Technique Technique,
    AiSystemStatus Status,
    DateTimeOffset RegisteredAt,
    IReadOnlyList<PublicVersion> Versions,
    IReadOnlyList<DeploymentDetails>? Deployments)
{
    public static PublicAiSystem From(AiSystemDetails s, IReadOnlyList<DeploymentDetails>? deployments) => new(s.Id, s.OwnerOgrn,
        s.Description.Name, s.Description.Description, s.Description.IntendedPurpose, s.Description.Direction,
        s.Description.Developer.Name, s.Description.OperatorName, s.Description.AutonomyLevel, s.Description.RiskClass,
        s.Description.Technique, s.Status, s.RegisteredAt,
        s.Versions.Select(v => new PublicVersion(v.Id, v.Version, v.ArtifactSha256, v.Status, v.ReleasedAt, v.ChangeSummary,
            v.RecalledAt, v.RecallReason, v.IncidentCount)).ToList(),
        deployments);
}

public static class PublicRegisterEndpoints
{
    public static IEndpointRouteBuilder MapPublicRegister(this IEndpointRouteBuilder app)
    {
        var register = app.MapGroup("/api/v1/register/ai-systems").WithTags("Public register").AllowAnonymous();

        register.MapGet("/", async (DateTimeOffset? asOf, int? page, int? pageSize, IQuerySession session, CancellationToken ct) =>
            {
                var paging = Paging.From(page, pageSize);
                var systems = await session.Query<AiSystemDetails>().Where(s => s.Versions.Any()).OrderByDescending(s => s.RegisteredAt)
                    .ThenBy(s => s.Id).Skip(paging.Skip).Take(paging.Size).ToListAsync(ct);
                var then = await GetAiSystemDetails.AsOfAsync(session, systems, asOf, ct);
                return Results.Ok(then.Where(s => s.IsPublic).Select(s => PublicAiSystem.From(s, null)).ToList());
            })
            .RequireRateLimiting(RateLimits.Lists)
            .WithName("ListPublicAiSystems")
            .Produces<IReadOnlyList<PublicAiSystem>>();

        register.MapGet("/{id:guid}", async (Guid id, DateTimeOffset? asOf, IQuerySession session, TimeProvider clock,
                HttpContext http, CancellationToken ct) =>
            {
                var view = await GetAiSystemDetails.LoadWithDeploymentsAsync(session, id, asOf, clock, ct);
                if (view is null || !view.System.IsPublic) throw new ResourceNotFound("No such AI system in the public register.");
                http.Response.SetStreamVersion(view.System.StreamVersion);
                return Results.Ok(PublicAiSystem.From(view.System, view.Deployments));
            })
            .WithName("GetPublicAiSystem")
            .Produces<PublicAiSystem>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
