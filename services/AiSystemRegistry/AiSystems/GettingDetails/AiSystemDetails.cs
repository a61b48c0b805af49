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

/// <summary>
/// An incident linked to a version, and when the registry recorded the link: one document per incident, written with the
/// event that records the link, so a system's record stays small whatever its incidents (they are read page by page).
/// </summary>
public sealed record LinkedIncident(Guid Id, Guid AiSystemId, Guid VersionId, Guid? DeploymentId, bool Explicit, SourceCitation Source,
    DateTimeOffset LinkedAt, DateTimeOffset RecordedAt);

/// <summary>
/// A preservation hold on a version (AI Act art. 73(6)): placed by IncidentClaims for <paramref name="IncidentId"/> at
/// <paramref name="PlacedAt"/>, in force here since <paramref name="Since"/>; lifted once <paramref name="LiftedAt"/> is set.
/// </summary>
public sealed record VersionHold(Guid HoldId, Guid IncidentId, DateTimeOffset PlacedAt, DateTimeOffset Since, SourceCitation Source,
    DateTimeOffset? LiftedAt = null, string? LiftReason = null, SourceCitation? LiftSource = null);

/// <summary>A change of the system's status, effective when it was recorded (a status is never back-dated).</summary>
public sealed record StatusChange(AiSystemStatus Status, string Reason, DateTimeOffset At);

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
    int IncidentCount,
    IReadOnlyList<ConclusionSummary> Conclusions,
    bool RecallRecommended)
{
    /// <summary>Every hold ever placed on the version, lifted ones included (they keep their lift).</summary>
    public IReadOnlyList<VersionHold> Holds { get; init; } = [];

    /// <summary>True while any hold is in force: recall and deprecation are refused (409 version-on-preservation-hold).</summary>
    public bool OnHold => Holds.Any(h => h.LiftedAt is null);

    /// <summary>
    /// Its status at <paramref name="at"/> (a deprecation or a recall takes effect when recorded), its conclusions as known at
    /// <paramref name="knownAt"/>, and <paramref name="incidentsKnown"/> incidents (counted from the link documents, or this
    /// document's count when knownAt is now).
    /// </summary>
    public VersionDetails As(DateTimeOffset at, DateTimeOffset knownAt, int? incidentsKnown = null)
    {
        var recalled = RecalledAt <= at;
        var deprecated = DeprecatedAt <= at;
        var conclusions = Conclusions.Where(c => c.SignedAt <= knownAt).ToList();
        return this with
        {
            Status = recalled ? VersionStatus.Recalled : deprecated ? VersionStatus.Deprecated : VersionStatus.Released,
            DeprecatedAt = deprecated ? DeprecatedAt : null,
            RecalledAt = recalled ? RecalledAt : null,
            RecallReason = recalled ? RecallReason : null,
            IncidentCount = incidentsKnown ?? IncidentCount,
            Conclusions = conclusions,
            // Holds as recorded by knownAt: one recorded later is left out, a lift recorded later not yet made.
            Holds = Holds.Where(h => h.Since <= knownAt)
                .Select(h => h.LiftedAt is { } lifted && lifted > knownAt ? h with { LiftedAt = null, LiftReason = null, LiftSource = null } : h)
                .ToList(),
            RecallRecommended = conclusions.Count == Conclusions.Count
                ? RecallRecommended
                : conclusions.Any(c => c.Recommendations.Contains(Contracts.IncidentClaims.Recommendations.RecallVersion)),
        };
    }
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
    IReadOnlyList<VersionDetails> Versions,
    IReadOnlyList<StatusChange> StatusHistory) : IOwned
{
    ResourceOwner IOwned.Owner => ResourceOwner.Company(OwnerOgrn);

    public long StreamVersion { get; init; }

    /// <summary>A system enters the public register with its first released version; until then it is its owner's draft.</summary>
    public bool IsPublic => Versions.Count > 0;

    /// <param name="recordedAt">When the event was recorded here (an incident link arrives after IncidentClaims made it).</param>
    public static AiSystemDetails? Advance(AiSystemDetails? view, object e, DateTimeOffset recordedAt) => (view, e) switch
    {
        (null, AiSystemRegistered x) => new AiSystemDetails(x.AiSystemId, x.OwnerOgrn, x.Description, AiSystemStatus.Active, null,
            x.RegisteredAt, null, [], []),
        (not null, AiSystemSuspended x) => view with
        {
            Status = AiSystemStatus.Suspended, StatusReason = x.Reason, StatusChangedAt = x.SuspendedAt,
            StatusHistory = [.. view.StatusHistory, new StatusChange(AiSystemStatus.Suspended, x.Reason, x.SuspendedAt)],
        },
        (not null, AiSystemWithdrawn x) => view with
        {
            Status = AiSystemStatus.Withdrawn, StatusReason = x.Reason, StatusChangedAt = x.WithdrawnAt,
            StatusHistory = [.. view.StatusHistory, new StatusChange(AiSystemStatus.Withdrawn, x.Reason, x.WithdrawnAt)],
        },
        (not null, VersionReleased x) => view with
        {
            Versions = [.. view.Versions, new VersionDetails(x.VersionId, x.Version, x.ArtifactSha256, VersionStatus.Released, x.ReleasedAt,
                x.ChangeSummary, x.TrainingDataSummary, x.EvaluationSummary, null, null, null, 0, [], false)],
        },
        (not null, VersionDeprecated x) => view.WithVersion(x.VersionId, v => v with { Status = VersionStatus.Deprecated, DeprecatedAt = x.DeprecatedAt }),
        (not null, VersionRecalled x) => view.WithVersion(x.VersionId,
            v => v with { Status = VersionStatus.Recalled, RecalledAt = x.RecalledAt, RecallReason = x.Reason }),
        // The decision appends a link once per incident (RecordIncidents.Decide), so each event counts.
        (not null, IncidentLinkedToVersion x) => view.WithVersion(x.VersionId, v => v with { IncidentCount = v.IncidentCount + 1 }),
        (not null, CommissionConclusionRecorded x) => view.WithVersion(x.VersionId, v => v with
        {
            // The latest conclusion per incident: a reissued conclusion replaces the earlier one.
            Conclusions = [.. v.Conclusions.Where(c => c.IncidentId != x.IncidentId),
                new ConclusionSummary(x.IncidentId, x.CausalLink, x.Recommendations, x.SignedAt, x.Source)],
            RecallRecommended = v.RecallRecommended || x.Recommendations.Contains(Contracts.IncidentClaims.Recommendations.RecallVersion),
        }),
        (not null, VersionPlacedOnHold x) => view.WithVersion(x.VersionId, v => v with
        {
            Holds = [.. v.Holds, new VersionHold(x.HoldId, x.IncidentId, x.PlacedAt, x.AppliedAt, x.Source)],
        }),
        (not null, VersionHoldLifted x) => view.WithVersion(x.VersionId, v => v with
        {
            Holds = v.Holds.Select(h => h.HoldId == x.HoldId ? h with { LiftedAt = x.ReleasedAt, LiftReason = x.Reason, LiftSource = x.Source } : h)
                .ToList(),
        }),
        _ => view,
    };

    private AiSystemDetails WithVersion(Guid versionId, Func<VersionDetails, VersionDetails> change) =>
        this with { Versions = Versions.Select(v => v.Id == versionId ? change(v) : v).ToList() };

    /// <summary>
    /// The system as the registry knew it at <paramref name="knownAt"/> (registration, versions, incident links and conclusions
    /// recorded by then), with its status and its versions' status at the valid time <paramref name="at"/>: a status change takes
    /// effect when recorded, so it counts only once both instants have passed it. Null when it was not registered yet at
    /// knownAt. Computed from the stored document alone: no stream is replayed.
    /// </summary>
    /// <param name="incidentsKnown">Incidents per version linked by knownAt (<see cref="GetAiSystemDetails.IncidentsKnownAsync"/>);
    /// null when knownAt is now.</param>
    public AiSystemDetails? As(DateTimeOffset at, DateTimeOffset knownAt, IReadOnlyDictionary<Guid, int>? incidentsKnown = null)
    {
        if (RegisteredAt > knownAt) return null;
        var effective = at < knownAt ? at : knownAt;
        var status = StatusHistory.LastOrDefault(c => c.At <= effective);
        return this with
        {
            Status = status?.Status ?? AiSystemStatus.Active,
            StatusReason = status?.Reason,
            StatusChangedAt = status?.At,
            StatusHistory = StatusHistory.Where(c => c.At <= knownAt).ToList(),
            Versions = Versions.Where(v => v.ReleasedAt <= knownAt)
                .Select(v => v.As(effective, knownAt, incidentsKnown is null ? null : incidentsKnown.GetValueOrDefault(v.Id))).ToList(),
        };
    }
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
        IncludeType<VersionPlacedOnHold>();
        IncludeType<VersionHoldLifted>();
    }

    public override AiSystemDetails? Evolve(AiSystemDetails? snapshot, Guid id, IEvent e) =>
        AiSystemDetails.Advance(snapshot, e.Data, e.Timestamp != default ? e.Timestamp : AiSystemRules.OccurredAt(e.Data)) is { } next
            ? next with { StreamVersion = e.Version }
            : snapshot;
}

/// <summary>
/// A system with its versions and the deployments in service at <paramref name="At"/>, as the registry knew them at
/// <paramref name="KnownAt"/>, each with its status then. Every deployment's own record is at GET /deployments/{id}.
/// </summary>
public sealed record AiSystemAsOf(AiSystemDetails System, IReadOnlyList<DeploymentDetails> Deployments, DateTimeOffset At,
    DateTimeOffset KnownAt);

public static class GetAiSystemDetails
{
    /// <summary>
    /// At most three queries whatever the history's length: the system's document (given), the documents of the deployments that
    /// can have been in service at the valid time (an indexed bound over every period ever recorded for them), and, for a past
    /// knownAt, the incident links recorded by then.
    /// </summary>
    public static async Task<AiSystemAsOf?> LoadWithDeploymentsAsync(IQuerySession session, AiSystemDetails? current, TimeTravel when,
        CancellationToken ct)
    {
        if (current is null || current.RegisteredAt > when.KnownAt) return null;
        var known = await IncidentsKnownAsync(session, [current], when, ct);
        var system = current.As(when.At, when.KnownAt, known)!;
        var candidates = await session.Query<DeploymentDetails>().Where(d => d.AiSystemId == system.Id)
            .Where(DeploymentDetails.MayServe(when.At, when.KnownAt)).ToListAsync(ct);
        var deployments = candidates.Select(d => d.As(when.At, when.KnownAt)).OfType<DeploymentDetails>().Where(d => d.InService)
            .OrderBy(d => d.From).ThenBy(d => d.Id).ToList();
        return new AiSystemAsOf(system, deployments, when.At, when.KnownAt);
    }

    /// <summary>
    /// Incidents per version linked by knownAt, for the systems given, counted in the database (one batch of counts, one round
    /// trip); null when knownAt is now (the documents' counts hold).
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, int>?> IncidentsKnownAsync(IQuerySession session,
        IReadOnlyCollection<AiSystemDetails> systems, TimeTravel when, CancellationToken ct)
    {
        if (when.KnownAt >= when.Now) return null;
        var versions = systems.SelectMany(s => s.Versions.Where(v => v.ReleasedAt <= when.KnownAt && v.IncidentCount > 0)
            .Select(v => (System: s.Id, Version: v.Id))).ToList();
        if (versions.Count == 0) return new Dictionary<Guid, int>();
        var batch = session.CreateBatchQuery();
        var counts = versions.Select(v => (v.Version, Count: batch.Query<LinkedIncident>()
            .Where(l => l.VersionId == v.Version && l.RecordedAt <= when.KnownAt).Count())).ToList();
        await batch.Execute(ct);
        return counts.ToDictionary(c => c.Version, c => (int)c.Count.Result);
    }

    /// <summary>The incidents linked to a version, as recorded by knownAt, oldest first, paged.</summary>
    public static async Task<Ok<ListPage<LinkedIncident>>> Incidents(Guid id, Guid versionId, DateTimeOffset? knownAt, int? page, int? pageSize,
        IQuerySession session, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var system = (await session.LoadAsync<AiSystemDetails>(id, ct)).VisibleOrNotFound(Actor.From(http.User), "No such AI system.");
        if (system.Versions.All(v => v.Id != versionId)) throw new ResourceNotFound("No such version of this AI system.");
        var when = TimeTravel.From(null, knownAt, clock);
        return TypedResults.Ok(await session.Query<LinkedIncident>()
            .Where(l => l.AiSystemId == id && l.VersionId == versionId && l.RecordedAt <= when.KnownAt)
            .OrderBy(l => l.RecordedAt).ThenBy(l => l.Id).ToPageAsync(paging, ct));
    }

    /// <summary>
    /// The caller's systems (all, for officials), newest first; recallRecommended=true: those with a version the harm
    /// commission recommended recalling. Each is shown as known at knownAt with its status at at; a system not registered yet
    /// at knownAt is left out of its page; the total counts the systems as they are now.
    /// </summary>
    public static async Task<Ok<ListPage<AiSystemDetails>>> List(DateTimeOffset? at, DateTimeOffset? knownAt, bool? recallRecommended,
        int? page, int? pageSize, IQuerySession session, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var when = TimeTravel.From(at, knownAt, clock);
        var query = session.Query<AiSystemDetails>().AsQueryable().VisibleTo(Actor.From(http.User), OwnerKind.Company, s => s.OwnerOgrn);
        if (recallRecommended == true) query = query.Where(s => s.Versions.Any(v => v.RecallRecommended));
        var current = await query.OrderByDescending(s => s.RegisteredAt).ThenBy(s => s.Id).ToPageAsync(paging, ct);
        var known = await IncidentsKnownAsync(session, current.Items, when, ct);
        var then = current.Items.Select(s => s.As(when.At, when.KnownAt, known)).OfType<AiSystemDetails>();
        return TypedResults.Ok(current with
        {
            Items = (recallRecommended is { } flag ? then.Where(s => s.Versions.Any(v => v.RecallRecommended) == flag) : then).ToList(),
        });
    }

    public static async Task<Ok<AiSystemAsOf>> Get(Guid id, DateTimeOffset? at, DateTimeOffset? knownAt, IQuerySession session,
        TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var current = (await session.LoadAsync<AiSystemDetails>(id, ct)).VisibleOrNotFound(Actor.From(http.User), "No such AI system.");
        var view = await LoadWithDeploymentsAsync(session, current, TimeTravel.From(at, knownAt, clock), ct)
            ?? throw new ResourceNotFound("The AI system was not registered yet at knownAt.");
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
