using Microsoft.AspNetCore.Http.HttpResults;
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
        var known = app.MapApi("/api/v1/known", "Known sources");
        known.MapGet("/ai-systems/{id:guid}", GetAiSystem).Read(Policies.RegulatorOrAuditor);
        known.MapGet("/deployments/{id:guid}", GetDeployment).Read(Policies.RegulatorOrAuditor);
        known.MapGet("/deployments", ListActiveDeployments).List(Policies.RegulatorOrAuditor);
        known.MapGet("/participations/{id:guid}", GetParticipation).Read(Policies.RegulatorOrAuditor);
        return app;
    }

    public static async Task<Ok<KnownAiSystemView>> GetAiSystem(Guid id, IQuerySession session, CancellationToken ct)
    {
        var system = await session.LoadAsync<KnownAiSystem>(id, ct) ?? throw new ResourceNotFound("No such AI system is known here.");
        var versions = await session.Query<KnownVersion>().Where(v => v.AiSystemId == id).OrderBy(v => v.ReleasedAt).ToListAsync(ct);
        return TypedResults.Ok(new KnownAiSystemView(system, versions));
    }

    public static async Task<Ok<KnownDeployment>> GetDeployment(Guid id, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(await session.LoadAsync<KnownDeployment>(id, ct) ?? throw new ResourceNotFound("No such deployment is known here."));

    /// <summary>The deployments triage would consider for an incident at this place and time.</summary>
    public static async Task<Ok<ListPage<KnownDeployment>>> ListActiveDeployments(string region, DateTimeOffset at, int? page, int? pageSize,
        IQuerySession session, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var candidates = await session.Query<KnownDeployment>().Where(d => d.From <= at).OrderBy(d => d.From).ThenBy(d => d.Id).ToListAsync(ct);
        return TypedResults.Ok(candidates.Where(d => d.ActiveAt(at, region)).ToPage(paging));
    }

    public static async Task<Ok<KnownParticipation>> GetParticipation(Guid id, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(await session.LoadAsync<KnownParticipation>(id, ct) ?? throw new ResourceNotFound("No such participation is known here."));
}
