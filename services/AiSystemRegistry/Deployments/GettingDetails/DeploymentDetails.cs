using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using SandboxRegistry.AiSystemRegistry.AiSystems.GettingDetails;

namespace SandboxRegistry.AiSystemRegistry.Deployments.GettingDetails;

public enum DeploymentChange { Deployed, Suspended, Resumed, Ended, PeriodCorrected }

/// <summary>
/// One recorded fact of a deployment, with its two times: <see cref="RecordedAt"/>, when the registry recorded it (what
/// knownAt compares with), and the valid time it states (<see cref="EffectiveAt"/>, and the period for a deployment or a
/// correction).
/// </summary>
public sealed record DeploymentFact(long Version, DeploymentChange Change, DateTimeOffset RecordedAt, DateTimeOffset EffectiveAt,
    DateTimeOffset? From = null, DateTimeOffset? Until = null, DateTimeOffset? EndedAt = null, string? Reason = null);

/// <summary>
/// A deployment as the public register shows it: company data only, no persons (who did what is in the history). The
/// <see cref="Record"/> holds every fact as recorded, so a read for any pair (valid time at, recorded time knownAt) is
/// computed from this one document, without replaying the stream.
/// </summary>
/// <param name="EndedAt">When it went out of service for good (valid time), as known.</param>
/// <param name="Status">The status at the instant asked (now when not asked).</param>
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
    DateTimeOffset? EndedAt,
    DeploymentStatus Status,
    string? StatusReason,
    DateTimeOffset DeployedAt,
    DateTimeOffset? StatusChangedAt,
    IReadOnlyList<DeploymentFact> Record)
{
    public long StreamVersion { get; init; }

    /// <summary>In service at the instant asked: active then, and within its period as known.</summary>
    public bool InService { get; init; }

    /// <summary>The earliest start any state of the record gave it: no read for an earlier instant finds it in service.</summary>
    public DateTimeOffset EarliestFrom { get; init; }

    /// <summary>The latest end any state of the record gave it (null: some state left it open): no read after it finds it in service.</summary>
    public DateTimeOffset? LatestEnd { get; init; }

    /// <summary>
    /// From this recorded time on, every state of the record gives it an end, the latest being <see cref="SettledEnd"/>: no read
    /// known from then on, for an instant from that end on, finds it in service. Null while the record as it stands leaves it
    /// open. A deployment recorded open and ended by a later request has no <see cref="LatestEnd"/>; this bound still keeps it
    /// out of reads known after its end was recorded.
    /// </summary>
    public DateTimeOffset? SettledAt { get; init; }

    /// <inheritdoc cref="SettledAt"/>
    public DateTimeOffset? SettledEnd { get; init; }

    /// <summary>
    /// The first cut a time-travel read makes in the database: false only for a deployment that no state of its record visible
    /// at <paramref name="knownAt"/> puts in service at <paramref name="at"/> (from the indexed bounds alone); the read then
    /// computes each candidate with <see cref="As"/>.
    /// </summary>
    /// <remarks>DeployedAt is the decision's time, never after the deployment was recorded.</remarks>
    public static Expression<Func<DeploymentDetails, bool>> MayServe(DateTimeOffset at, DateTimeOffset knownAt) =>
        Expression.Lambda<Func<DeploymentDetails, bool>>(new BindInstants(at, knownAt).Visit(Bounds.Body), Bounds.Parameters[0]);

    /// <summary><see cref="MayServe(DateTimeOffset, DateTimeOffset)"/> evaluated in memory.</summary>
    public static bool MayServe(DeploymentDetails d, DateTimeOffset at, DateTimeOffset knownAt) => CompiledBounds(d, at, knownAt);

    private static readonly Expression<Func<DeploymentDetails, DateTimeOffset, DateTimeOffset, bool>> Bounds = (d, at, knownAt) =>
        d.DeployedAt <= knownAt && d.EarliestFrom <= at && (d.LatestEnd == null || d.LatestEnd > at)
        && (d.SettledAt == null || d.SettledAt > knownAt || d.SettledEnd > at);

    private static readonly Func<DeploymentDetails, DateTimeOffset, DateTimeOffset, bool> CompiledBounds = Bounds.Compile();

    private sealed class BindInstants(DateTimeOffset at, DateTimeOffset knownAt) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            node == Bounds.Parameters[1] ? Expression.Constant(at) : node == Bounds.Parameters[2] ? Expression.Constant(knownAt) : node;
    }

    public static DeploymentFact? Fact(object e, long version, DateTimeOffset recordedAt) => e switch
    {
        AiSystemDeployed x => new(version, DeploymentChange.Deployed, recordedAt, x.From, x.From, x.Until),
        DeploymentSuspended x => new(version, DeploymentChange.Suspended, recordedAt, x.SuspendedAt, Reason: x.Reason),
        DeploymentResumed x => new(version, DeploymentChange.Resumed, recordedAt, x.ResumedAt),
        DeploymentEnded x => new(version, DeploymentChange.Ended, recordedAt, x.EndedAt, EndedAt: x.EndedAt, Reason: x.Reason),
        DeploymentPeriodCorrected x => new(version, DeploymentChange.PeriodCorrected, recordedAt, x.CorrectedAt, x.From, x.Until, x.EndedAt,
            x.Reason),
        _ => null,
    };

    // Named Next, not Evolve: Marten's source generator would take a static Evolve for the projection.
    /// <summary>The stored document after one more event: the fact appended, the view as it stands once everything recorded holds.</summary>
    public static DeploymentDetails? Next(DeploymentDetails? view, IEvent e)
    {
        // Rich appends stamp the event before the inline projection runs; a bare event (unit tests) has its decision's time.
        // PostgreSQL keeps the timestamp to the microsecond: the record keeps it as stored, so that the document written inline
        // and one rebuilt from the stored events (ReadModelUpgrades) hold the same instant.
        var recordedAt = e.Timestamp != default ? e.Timestamp.AddTicks(-(e.Timestamp.Ticks % 10)) : Deployment.RecordedAt(e.Data);
        if (Fact(e.Data, e.Version, recordedAt) is not { } fact) return view;
        var next = (view, e.Data) switch
        {
            (null, AiSystemDeployed x) => new DeploymentDetails(x.DeploymentId, x.AiSystemId, x.VersionId, x.Version, x.ArtifactSha256,
                x.ParticipationId, x.OwnerOgrn, x.Territory, x.From, x.Until, null, DeploymentStatus.Active, null, x.DeployedAt, null, [fact]),
            (null, _) => null,
            ({ } v, _) => v with { Record = [.. v.Record, fact] },
        };
        if (next?.As(DateTimeOffset.MaxValue, DateTimeOffset.MaxValue) is not { } stored) return null;
        // Bounds over every state of knowledge (each prefix of the record a read can see: facts recorded at one instant are seen
        // together), indexed, so that a read for any pair of instants fetches only the deployments that can answer it.
        var earliest = DateTimeOffset.MaxValue;
        DateTimeOffset? latest = DateTimeOffset.MinValue;
        var states = new List<(DateTimeOffset KnownFrom, DateTimeOffset? End)>();
        for (var known = 1; known <= stored.Record.Count; known++)
        {
            var knownFrom = stored.Record[known - 1].RecordedAt;
            if (known < stored.Record.Count && stored.Record[known].RecordedAt <= knownFrom) continue;
            var state = stored.As(DateTimeOffset.MaxValue, knownFrom, known)!;
            if (state.From < earliest) earliest = state.From;
            var end = (state.Until, state.EndedAt) switch
            {
                ({ } u, { } ended) => u < ended ? u : ended,
                ({ } u, null) => u,
                (null, { } ended) => ended,
                _ => (DateTimeOffset?)null,
            };
            latest = end is null || latest is null ? null : end > latest ? end : latest;
            states.Add((knownFrom, end));
        }
        // The trailing run of states that all give an end: known from its first state on, the deployment ends by its latest end.
        DateTimeOffset? settledAt = null, settledEnd = null;
        for (var i = states.Count - 1; i >= 0 && states[i].End is { } end; i--)
            (settledAt, settledEnd) = (states[i].KnownFrom, settledEnd is { } later && later > end ? later : end);
        return stored with { EarliestFrom = earliest, LatestEnd = latest, SettledAt = settledAt, SettledEnd = settledEnd };
    }

    /// <summary>
    /// The deployment as the registry knew it at <paramref name="knownAt"/> (facts recorded by then), and its status at the
    /// valid time <paramref name="at"/>; null when it had not been recorded yet. A deployment recorded today with a past
    /// from answers for the past as soon as it is known; a correction changes the answer only for reads known after it.
    /// </summary>
    /// <param name="facts">At most this many facts, in the order recorded (for the bounds over each state of knowledge).</param>
    public DeploymentDetails? As(DateTimeOffset at, DateTimeOffset knownAt, int? facts = null)
    {
        var known = Record.OrderBy(f => f.Version).Take(facts ?? int.MaxValue).Where(f => f.RecordedAt <= knownAt).ToList();
        if (known is not [{ Change: DeploymentChange.Deployed } deployed, ..]) return null;
        var from = deployed.From!.Value;
        DateTimeOffset? until = deployed.Until, endedAt = null, statusChangedAt = null;
        string? endReason = null, statusReason = null;
        var suspensions = new List<(DateTimeOffset Start, DateTimeOffset? End, string? Reason)>();
        foreach (var f in known.Skip(1))
        {
            switch (f.Change)
            {
                case DeploymentChange.Suspended: suspensions.Add((f.EffectiveAt, null, f.Reason)); break;
                case DeploymentChange.Resumed when suspensions is [.., { End: null } open]:
                    suspensions[^1] = open with { End = f.EffectiveAt };
                    break;
                case DeploymentChange.Ended: (endedAt, endReason) = (f.EndedAt, f.Reason); break;
                case DeploymentChange.PeriodCorrected:
                    (from, until) = (f.From!.Value, f.Until);
                    endedAt = f.EndedAt ?? endedAt;
                    break;
            }
        }
        var status = DeploymentStatus.Active;
        var covering = suspensions.FindLastIndex(s => s.Start <= at && (s.End is null || at < s.End));
        if (endedAt is { } end && end <= at)
            (status, statusReason, statusChangedAt) = (DeploymentStatus.Ended, endReason, end);
        else if (covering >= 0)
            (status, statusReason, statusChangedAt) = (DeploymentStatus.Suspended, suspensions[covering].Reason, suspensions[covering].Start);
        else
            statusChangedAt = suspensions.Where(s => s.End <= at).Select(s => s.End).Max();
        return this with
        {
            From = from, Until = until, EndedAt = endedAt, Status = status, StatusReason = statusReason, StatusChangedAt = statusChangedAt,
            Record = known, StreamVersion = known[^1].Version,
            InService = status == DeploymentStatus.Active && from <= at && (until is null || at < until),
        };
    }
}

public sealed partial class DeploymentDetailsProjection : SingleStreamProjection<DeploymentDetails, Guid>
{
    public DeploymentDetailsProjection()
    {
        IncludeType<AiSystemDeployed>();
        IncludeType<DeploymentSuspended>();
        IncludeType<DeploymentResumed>();
        IncludeType<DeploymentEnded>();
        IncludeType<DeploymentPeriodCorrected>();
    }

    public override DeploymentDetails? Evolve(DeploymentDetails? snapshot, Guid id, IEvent e) => DeploymentDetails.Next(snapshot, e) ?? snapshot;
}

/// <summary>One answer to "which version of which system was in service in region R at instant T (as recorded by knownAt)".</summary>
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
    DateTimeOffset? EndedAt,
    long StreamVersion);

/// <summary>The two instants of a time-travel read: valid time (what was in service) and recorded time (what had been recorded).</summary>
/// <param name="Now">When the read is made: a knownAt from then on sees everything recorded.</param>
public readonly record struct TimeTravel(DateTimeOffset At, DateTimeOffset KnownAt, DateTimeOffset Now)
{
    /// <summary>Each defaults to now; a future knownAt is now (nothing is recorded ahead of time).</summary>
    public static TimeTravel From(DateTimeOffset? at, DateTimeOffset? knownAt, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return new(at ?? now, knownAt is { } k && k < now ? k : now, now);
    }
}

public static class GetDeploymentDetails
{
    public static async Task<Ok<DeploymentDetails>> Get(Guid id, DateTimeOffset? at, DateTimeOffset? knownAt, IQuerySession session,
        TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var when = TimeTravel.From(at, knownAt, clock);
        var deployment = (await session.LoadAsync<DeploymentDetails>(id, ct))?.As(when.At, when.KnownAt)
            ?? throw new ResourceNotFound("No such deployment (or it was not recorded yet at knownAt).");
        http.Response.SetStreamVersion(deployment.StreamVersion);
        return TypedResults.Ok(deployment);
    }

    public static async Task<Results<Ok<ListPage<ActiveDeployment>>, ValidationProblem>> ListActive(string region, DateTimeOffset? at,
        DateTimeOffset? knownAt, int? page, int? pageSize, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        if (!Identifiers.IsRegionCode(region))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["region"] = ["'region' must be a Russian region code (01-89) or an ISO 3166-2 code."] },
                extensions: new Dictionary<string, object?> { ["code"] = "validation-failed" });
        return TypedResults.Ok((await ActiveAsync(session, region, TimeTravel.From(at, knownAt, clock), ct)).ToPage(paging));
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
    /// Deployments in service in <paramref name="region"/> at the valid time asked, as recorded by knownAt: one query for the
    /// region's deployments and one for their systems' names, each deployment then read from its own record of facts.
    /// </summary>
    public static async Task<IReadOnlyList<ActiveDeployment>> ActiveAsync(IQuerySession session, string region, TimeTravel when,
        CancellationToken ct)
    {
        // A safe first cut in the database, refined in memory.
        var candidates = await session.Query<DeploymentDetails>().Where(d => d.Territory.Contains(region))
            .Where(DeploymentDetails.MayServe(when.At, when.KnownAt)).ToListAsync(ct);
        var inService = candidates.Select(d => d.As(when.At, when.KnownAt)).OfType<DeploymentDetails>().Where(d => d.InService).ToList();
        var systems = (await session.LoadManyAsync<AiSystemDetails>(ct, inService.Select(d => d.AiSystemId).Distinct()))
            .ToDictionary(s => s.Id);
        return inService
            .Select(d => new ActiveDeployment(d.Id, d.AiSystemId, systems.GetValueOrDefault(d.AiSystemId)?.Description.Name ?? "", d.VersionId,
                d.Version, d.ArtifactSha256, d.ParticipationId, d.OwnerOgrn, d.Territory, d.From, d.Until, d.EndedAt, d.StreamVersion))
            .OrderBy(d => d.AiSystemName).ThenBy(d => d.From).ThenBy(d => d.DeploymentId).ToList();
    }
}
