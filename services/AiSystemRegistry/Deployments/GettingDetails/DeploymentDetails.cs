using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using SandboxRegistry.AiSystemRegistry.AiSystems.GettingDetails;

namespace SandboxRegistry.AiSystemRegistry.Deployments.GettingDetails;

/// <summary>A deployment as the public register shows it: company data only, no persons.</summary>
public sealed record DeploymentDetails(
    Guid Id,
    Guid AiSystemId,
    Guid VersionId,
    string Version,
    string ArtifactSha256,
    Guid ParticipationId,
    string OwnerOgrn,
    IReadOnlyList<string> Territory,
    DateTimeOffset From,
    DateTimeOffset? Until,
    DeploymentStatus Status,
    string? StatusReason,
    DateTimeOffset DeployedAt,
    DateTimeOffset? StatusChangedAt)
{
    public long StreamVersion { get; init; }

    /// <summary>In service at <paramref name="at"/>: active then, and within its planned period.</summary>
    public bool InEffectAt(DateTimeOffset at) => Status == DeploymentStatus.Active && From <= at && (Until is null || at < Until);

    public static DeploymentDetails? Advance(DeploymentDetails? view, object e) => (view, e) switch
    {
        (null, AiSystemDeployed x) => new DeploymentDetails(x.DeploymentId, x.AiSystemId, x.VersionId, x.Version, x.ArtifactSha256,
            x.ParticipationId, x.OwnerOgrn, x.Territory, x.From, x.Until, DeploymentStatus.Active, null, x.DeployedAt, null),
        (not null, DeploymentSuspended x) => view with { Status = DeploymentStatus.Suspended, StatusReason = x.Reason, StatusChangedAt = x.SuspendedAt },
        (not null, DeploymentResumed x) => view with { Status = DeploymentStatus.Active, StatusReason = null, StatusChangedAt = x.ResumedAt },
        (not null, DeploymentEnded x) => view with { Status = DeploymentStatus.Ended, StatusReason = x.Reason, StatusChangedAt = x.EndedAt },
        _ => view,
    };

    /// <summary>
    /// The deployment as it stood at <paramref name="asOf"/>, replayed from its events up to that instant (by the time
    /// each decision was taken); null when it had not been deployed yet.
    /// </summary>
    public static DeploymentDetails? AsOf(IReadOnlyList<IEvent> events, DateTimeOffset asOf) =>
        events.Where(e => Deployment.OccurredAt(e.Data) <= asOf)
            .Aggregate((DeploymentDetails?)null, (view, e) => Advance(view, e.Data) is { } next ? next with { StreamVersion = e.Version } : null);

    public static async Task<DeploymentDetails?> LoadAsync(IQuerySession session, Guid id, DateTimeOffset? asOf, CancellationToken ct) =>
        asOf is { } at
            ? AsOf(await session.Events.FetchStreamAsync(id, token: ct), at)
            : await session.LoadAsync<DeploymentDetails>(id, ct);
}

public sealed partial class DeploymentDetailsProjection : SingleStreamProjection<DeploymentDetails, Guid>
{
    public DeploymentDetailsProjection()
    {
        IncludeType<AiSystemDeployed>();
        IncludeType<DeploymentSuspended>();
        IncludeType<DeploymentResumed>();
        IncludeType<DeploymentEnded>();
    }

    public override DeploymentDetails? Evolve(DeploymentDetails? snapshot, Guid id, IEvent e) =>
        DeploymentDetails.Advance(snapshot, e.Data) is { } next ? next with { StreamVersion = e.Version } : snapshot;
}

/// <summary>One answer to "which version of which system was in service in region R at instant T".</summary>
public sealed record ActiveDeployment(
    Guid DeploymentId,
    Guid AiSystemId,
    string AiSystemName,
    Guid VersionId,
    string Version,
    string ArtifactSha256,
    Guid ParticipationId,
    string OwnerOgrn,
    IReadOnlyList<string> Territory,
    DateTimeOffset From,
    DateTimeOffset? Until,
    long StreamVersion);

public static class GetDeploymentDetails
{
    public static async Task<Ok<DeploymentDetails>> Get(Guid id, DateTimeOffset? asOf, IQuerySession session, HttpContext http,
        CancellationToken ct)
    {
        var deployment = await DeploymentDetails.LoadAsync(session, id, asOf, ct) ?? throw new ResourceNotFound("No such deployment.");
        http.Response.SetStreamVersion(deployment.StreamVersion);
        return TypedResults.Ok(deployment);
    }

    public static async Task<Results<Ok<ListPage<ActiveDeployment>>, ValidationProblem>> ListActive(string region, DateTimeOffset? at,
        int? page, int? pageSize, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        if (!Identifiers.IsRegionCode(region))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["region"] = ["'region' must be a Russian region code (01-89) or an ISO 3166-2 code."] },
                extensions: new Dictionary<string, object?> { ["code"] = "validation-failed" });
        return TypedResults.Ok((await ActiveAsync(session, region, at ?? clock.GetUtcNow(), ct)).ToPage(paging));
    }

    public static async Task<Ok<ListPage<HistoryEntry>>> History(Guid id, int? page, int? pageSize, IQuerySession session,
        HttpContext http, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var deployment = await session.LoadAsync<DeploymentDetails>(id, ct);
        if (deployment is null || !Actor.From(http.User).Sees(ResourceOwner.Company(deployment.OwnerOgrn)))
            throw new ResourceNotFound("No such deployment.");
        return TypedResults.Ok((await StreamHistory.ReadAsync(session, id, ct)).ToPage(paging));
    }

    /// <summary>
    /// Deployments in service in <paramref name="region"/> at <paramref name="at"/>, each replayed from its own events up
    /// to that instant: a deployment ended or suspended since then still answers for the time it was in service.
    /// </summary>
    public static async Task<IReadOnlyList<ActiveDeployment>> ActiveAsync(IQuerySession session, string region, DateTimeOffset at,
        CancellationToken ct)
    {
        var candidates = await session.Query<DeploymentDetails>()
            .Where(d => d.Territory.Contains(region) && d.From <= at && d.DeployedAt <= at)
            .ToListAsync(ct);
        var result = new List<ActiveDeployment>();
        foreach (var candidate in candidates)
        {
            var then = await DeploymentDetails.LoadAsync(session, candidate.Id, at, ct);
            if (then is null || !then.InEffectAt(at)) continue;
            var system = await session.LoadAsync<AiSystemDetails>(then.AiSystemId, ct);
            result.Add(new ActiveDeployment(then.Id, then.AiSystemId, system?.Description.Name ?? "", then.VersionId, then.Version,
                then.ArtifactSha256, then.ParticipationId, then.OwnerOgrn, then.Territory, then.From, then.Until, then.StreamVersion));
        }
        return result.OrderBy(d => d.AiSystemName).ThenBy(d => d.From).ThenBy(d => d.DeploymentId).ToList();
    }
}
