using Marten;
using SandboxRegistry.IncidentClaims.AiSystems;
using SandboxRegistry.IncidentClaims.Participations;

namespace SandboxRegistry.IncidentClaims;

/// <summary>An AI system as this service knows it, with the versions it learnt of.</summary>
public sealed record KnownAiSystemView(KnownAiSystem System, IReadOnlyList<KnownVersion> Versions);

/// <summary>
/// What this service learnt from the other services' messages, with each element's citation: lets a regulator or an
/// auditor see what triage resolves against, and a caller wait until a message has been applied.
/// </summary>
public static class KnownSourcesEndpoints
{
    public static IEndpointRouteBuilder MapKnownSources(this IEndpointRouteBuilder app)
    {
        var known = app.MapGroup("/api/v1/known").WithTags("Known sources").RequireAuthorization(Policies.RegulatorOrAuditor);

        known.MapGet("/ai-systems/{id:guid}", async (Guid id, IQuerySession session, CancellationToken ct) =>
            {
                var system = await session.LoadAsync<KnownAiSystem>(id, ct) ?? throw new ResourceNotFound("No such AI system is known here.");
                var versions = await session.Query<KnownVersion>().Where(v => v.AiSystemId == id).OrderBy(v => v.ReleasedAt).ToListAsync(ct);
                return Results.Ok(new KnownAiSystemView(system, versions));
            })
            .WithName("GetKnownAiSystem").Produces<KnownAiSystemView>().ProducesProblem(StatusCodes.Status404NotFound);

        known.MapGet("/deployments/{id:guid}", async (Guid id, IQuerySession session, CancellationToken ct) =>
                await session.LoadAsync<KnownDeployment>(id, ct) is { } d ? Results.Ok(d) : throw new ResourceNotFound("No such deployment is known here."))
            .WithName("GetKnownDeployment").Produces<KnownDeployment>().ProducesProblem(StatusCodes.Status404NotFound);

        // The deployments triage would consider for an incident at this place and time.
        known.MapGet("/deployments", async (string region, DateTimeOffset at, IQuerySession session, CancellationToken ct) =>
            {
                var candidates = await session.Query<KnownDeployment>().Where(d => d.From <= at).ToListAsync(ct);
                return Results.Ok(candidates.Where(d => d.ActiveAt(at, region)).ToList());
            })
            .RequireRateLimiting(RateLimits.Lists)
            .WithName("ListActiveKnownDeployments").Produces<IReadOnlyList<KnownDeployment>>();

        known.MapGet("/participations/{id:guid}", async (Guid id, IQuerySession session, CancellationToken ct) =>
                await session.LoadAsync<KnownParticipation>(id, ct) is { } p ? Results.Ok(p) : throw new ResourceNotFound("No such participation is known here."))
            .WithName("GetKnownParticipation").Produces<KnownParticipation>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
