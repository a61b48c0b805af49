using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using SandboxRegistry.AiSystemRegistry.Deployments.GettingDetails;
using SandboxRegistry.Contracts;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.GettingDetails;

/// <summary>A conclusion of the harm commission on an incident involving a version.</summary>
public sealed record ConclusionSummary(Guid IncidentId, string CausalLink, IReadOnlyList<string> Recommendations, DateTimeOffset SignedAt,
    SourceCitation Source);

public sealed record VersionDetails(
    Guid Id,
    string Version,
    string ArtifactSha256,
    VersionStatus Status,
    DateTimeOffset ReleasedAt,
    string ChangeSummary,
    string TrainingDataSummary,
    string EvaluationSummary,
    DateTimeOffset? DeprecatedAt,
    DateTimeOffset? RecalledAt,
    string? RecallReason,
    IReadOnlyList<Guid> Incidents,
    IReadOnlyList<ConclusionSummary> Conclusions,
    bool RecallRecommended)
{
    public int IncidentCount => Incidents.Count;
}

/// <summary>An AI system with its versions, as its owner and officials see it (no persons: who did what is in the history).</summary>
public sealed record AiSystemDetails(
    Guid Id,
    string OwnerOgrn,
    AiSystemDescription Description,
    AiSystemStatus Status,
    string? StatusReason,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? StatusChangedAt,
    IReadOnlyList<VersionDetails> Versions) : IOwned
{
    ResourceOwner IOwned.Owner => ResourceOwner.Company(OwnerOgrn);

    public long StreamVersion { get; init; }

    /// <summary>A system enters the public register with its first released version; until then it is its owner's draft.</summary>
    public bool IsPublic => Versions.Count > 0;

    public static AiSystemDetails? Advance(AiSystemDetails? view, object e) => (view, e) switch
    {
        (null, AiSystemRegistered x) => new AiSystemDetails(x.AiSystemId, x.OwnerOgrn, x.Description, AiSystemStatus.Active, null,
            x.RegisteredAt, null, []),
        (not null, AiSystemSuspended x) => view with { Status = AiSystemStatus.Suspended, StatusReason = x.Reason, StatusChangedAt = x.SuspendedAt },
        (not null, AiSystemWithdrawn x) => view with { Status = AiSystemStatus.Withdrawn, StatusReason = x.Reason, StatusChangedAt = x.WithdrawnAt },
        (not null, VersionReleased x) => view with
        {
            Versions = [.. view.Versions, new VersionDetails(x.VersionId, x.Version, x.ArtifactSha256, VersionStatus.Released, x.ReleasedAt,
                x.ChangeSummary, x.TrainingDataSummary, x.EvaluationSummary, null, null, null, [], [], false)],
        },
        (not null, VersionDeprecated x) => view.WithVersion(x.VersionId, v => v with { Status = VersionStatus.Deprecated, DeprecatedAt = x.DeprecatedAt }),
        (not null, VersionRecalled x) => view.WithVersion(x.VersionId,
            v => v with { Status = VersionStatus.Recalled, RecalledAt = x.RecalledAt, RecallReason = x.Reason }),
        (not null, IncidentLinkedToVersion x) => view.WithVersion(x.VersionId,
            v => v.Incidents.Contains(x.IncidentId) ? v : v with { Incidents = [.. v.Incidents, x.IncidentId] }),
        (not null, CommissionConclusionRecorded x) => view.WithVersion(x.VersionId, v => v with
        {
            // The latest conclusion per incident: a reissued conclusion replaces the earlier one.
            Conclusions = [.. v.Conclusions.Where(c => c.IncidentId != x.IncidentId),
                new ConclusionSummary(x.IncidentId, x.CausalLink, x.Recommendations, x.SignedAt, x.Source)],
            RecallRecommended = v.RecallRecommended || x.Recommendations.Contains(Contracts.IncidentClaims.Recommendations.RecallVersion),
        }),
        _ => view,
    };

    private AiSystemDetails WithVersion(Guid versionId, Func<VersionDetails, VersionDetails> change) =>
        this with { Versions = Versions.Select(v => v.Id == versionId ? change(v) : v).ToList() };

    /// <summary>The system as it stood at <paramref name="asOf"/>, replayed from its events; null before it was registered.</summary>
    public static AiSystemDetails? AsOf(IReadOnlyList<IEvent> events, DateTimeOffset asOf) =>
        events.Where(e => AiSystemRules.OccurredAt(e.Data) <= asOf)
            .Aggregate((AiSystemDetails?)null, (view, e) => Advance(view, e.Data) is { } next ? next with { StreamVersion = e.Version } : null);

    public static async Task<AiSystemDetails?> LoadAsync(IQuerySession session, Guid id, DateTimeOffset? asOf, CancellationToken ct) =>
        asOf is { } at
            ? AsOf(await session.Events.FetchStreamAsync(id, token: ct), at)
            : await session.LoadAsync<AiSystemDetails>(id, ct);
}

public sealed partial class AiSystemDetailsProjection : SingleStreamProjection<AiSystemDetails, Guid>
{
    public AiSystemDetailsProjection()
    {
        IncludeType<AiSystemRegistered>();
        IncludeType<AiSystemSuspended>();
        IncludeType<AiSystemWithdrawn>();
        IncludeType<VersionReleased>();
        IncludeType<VersionDeprecated>();
        IncludeType<VersionRecalled>();
        IncludeType<IncidentLinkedToVersion>();
        IncludeType<CommissionConclusionRecorded>();
    }

    public override AiSystemDetails? Evolve(AiSystemDetails? snapshot, Guid id, IEvent e) =>
        AiSystemDetails.Advance(snapshot, e.Data) is { } next ? next with { StreamVersion = e.Version } : snapshot;
}

/// <summary>A system with its versions and its deployments, all as they stood at one instant.</summary>
public sealed record AiSystemAsOf(AiSystemDetails System, IReadOnlyList<DeploymentDetails> Deployments, DateTimeOffset AsOf);

public static class GetAiSystemDetails
{
    public static async Task<AiSystemAsOf?> LoadWithDeploymentsAsync(IQuerySession session, Guid id, DateTimeOffset? asOf,
        TimeProvider clock, CancellationToken ct)
    {
        var system = await AiSystemDetails.LoadAsync(session, id, asOf, ct);
        if (system is null) return null;
        // Deployment ids come from today's index (a deployment never leaves it); each one is replayed to the instant.
        var ids = await session.Query<DeploymentDetails>().Where(d => d.AiSystemId == id).Select(d => d.Id).ToListAsync(ct);
        var deployments = new List<DeploymentDetails>();
        foreach (var deploymentId in ids)
            if (await DeploymentDetails.LoadAsync(session, deploymentId, asOf, ct) is { } deployment)
                deployments.Add(deployment);
        return new AiSystemAsOf(system, deployments.OrderBy(d => d.DeployedAt).ToList(), asOf ?? clock.GetUtcNow());
    }

    /// <summary>Today's list replayed to <paramref name="asOf"/>: a system is never deleted, so the list holds every one that existed then.</summary>
    public static async Task<IReadOnlyList<AiSystemDetails>> AsOfAsync(IQuerySession session, IReadOnlyList<AiSystemDetails> today,
        DateTimeOffset? asOf, CancellationToken ct)
    {
        if (asOf is null) return today;
        var then = new List<AiSystemDetails>();
        foreach (var system in today)
            if (await AiSystemDetails.LoadAsync(session, system.Id, asOf, ct) is { } past)
                then.Add(past);
        return then;
    }

    /// <summary>
    /// The caller's systems (all, for officials), newest first; recallRecommended=true: those with a version the harm
    /// commission recommended recalling. With asOf each is shown as it stood then; the total counts the systems as they are now.
    /// </summary>
    public static async Task<Ok<ListPage<AiSystemDetails>>> List(DateTimeOffset? asOf, bool? recallRecommended, int? page, int? pageSize,
        IQuerySession session, HttpContext http, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var query = session.Query<AiSystemDetails>().AsQueryable().VisibleTo(Actor.From(http.User), OwnerKind.Company, s => s.OwnerOgrn);
        if (recallRecommended == true) query = query.Where(s => s.Versions.Any(v => v.RecallRecommended));
        var current = await query.OrderByDescending(s => s.RegisteredAt).ThenBy(s => s.Id).ToPageAsync(paging, ct);
        var then = await AsOfAsync(session, current.Items, asOf, ct);
        return TypedResults.Ok(current with
        {
            Items = recallRecommended is { } flag ? then.Where(s => s.Versions.Any(v => v.RecallRecommended) == flag).ToList() : then,
        });
    }

    public static async Task<Ok<AiSystemAsOf>> Get(Guid id, DateTimeOffset? asOf, IQuerySession session, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        (await session.LoadAsync<AiSystemDetails>(id, ct)).VisibleOrNotFound(Actor.From(http.User), "No such AI system.");
        var view = await LoadWithDeploymentsAsync(session, id, asOf, clock, ct)
            ?? throw new ResourceNotFound("The AI system was not registered yet at that instant.");
        http.Response.SetStreamVersion(view.System.StreamVersion);
        return TypedResults.Ok(view);
    }

    public static async Task<Ok<ListPage<HistoryEntry>>> History(Guid id, int? page, int? pageSize, IQuerySession session,
        HttpContext http, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        (await session.LoadAsync<AiSystemDetails>(id, ct)).VisibleOrNotFound(Actor.From(http.User), "No such AI system.");
        return TypedResults.Ok((await StreamHistory.ReadAsync(session, id, ct)).ToPage(paging));
    }
}
