using Microsoft.AspNetCore.Http.HttpResults;
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
    /// <summary>
    /// Systems with at least one released version, newest first; each as known at knownAt with its status at at (one not yet
    /// public then is left out of its page). The total counts the systems as they are now.
    /// </summary>
    public static async Task<Ok<ListPage<PublicAiSystem>>> List(DateTimeOffset? at, DateTimeOffset? knownAt, int? page, int? pageSize,
        IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var when = TimeTravel.From(at, knownAt, clock);
        var current = await session.Query<AiSystemDetails>().Where(s => s.Versions.Any()).OrderByDescending(s => s.RegisteredAt)
            .ThenBy(s => s.Id).ToPageAsync(paging, ct);
        var known = await GetAiSystemDetails.IncidentsKnownAsync(session, current.Items, when, ct);
        var then = current.Items.Select(s => s.As(when.At, when.KnownAt, known)).OfType<AiSystemDetails>();
        return TypedResults.Ok(new ListPage<PublicAiSystem>(then.Where(s => s.IsPublic).Select(s => PublicAiSystem.From(s, null)).ToList(),
            current.Page, current.PageSize, current.Total));
    }

    public static async Task<Ok<PublicAiSystem>> Get(Guid id, DateTimeOffset? at, DateTimeOffset? knownAt, IQuerySession session,
        TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var view = await GetAiSystemDetails.LoadWithDeploymentsAsync(session, await session.LoadAsync<AiSystemDetails>(id, ct),
            TimeTravel.From(at, knownAt, clock), ct);
        if (view is null || !view.System.IsPublic) throw new ResourceNotFound("No such AI system in the public register.");
        http.Response.SetStreamVersion(view.System.StreamVersion);
        return TypedResults.Ok(PublicAiSystem.From(view.System, view.Deployments));
    }
}
