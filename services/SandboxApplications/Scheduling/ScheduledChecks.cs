using Marten;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Applications;
using SandboxRegistry.SandboxApplications.Applications.GettingDetails;
using SandboxRegistry.SandboxApplications.Applications.MissingDeadline;
using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Participations.Expiring;
using SandboxRegistry.SandboxApplications.Participations.GettingDetails;
using SandboxRegistry.SandboxApplications.Proposals;
using SandboxRegistry.SandboxApplications.Proposals.MissingDeadlines;
using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.SandboxApplications.Regimes.Expiring;
using SandboxRegistry.SandboxApplications.Regimes.GettingDetails;

namespace SandboxRegistry.SandboxApplications.Scheduling;

public sealed class ScheduleOptions
{
    public const string Section = "Schedules";

    /// <summary>How often the service looks for missed deadlines, ended terms and lapsed insurance.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Records what happens by the passing of time: a missed review deadline, a proposal's missed clock or ended consultation, the end of a regime's or a participation's
/// term, a participation whose insurance lapsed, participations left in a regime that ended. "Today" comes from TimeProvider. Every replica may run this: each
/// write goes through the stream's optimistic concurrency and each Decide records a fact only once, so a race ends
/// in one event and a logged concurrency error.
/// </summary>
public sealed class ScheduledChecks(IServiceScopeFactory scopes, TimeProvider clock, IOptions<JurisdictionProfile> profile,
    IOptions<ScheduleOptions> options, ILogger<ScheduledChecks> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Scheduled checks failed; retrying at the next interval");
            }
            try
            {
                await Task.Delay(options.Value.CheckInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = profile.Value.DateOf(now);

        List<Guid> overdue, regimes, participations, orphaned;
        IReadOnlyList<Guid> proposals;
        Dictionary<Guid, InsuranceRequirements> required;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var query = scope.ServiceProvider.GetRequiredService<IQuerySession>();
            overdue = (await query.Query<ApplicationDetails>()
                .Where(a => !a.DeadlineMissed && a.DueOn < today &&
                    (a.Status == ApplicationStatus.Submitted || a.Status == ApplicationStatus.UnderReview))
                .Select(a => a.Id).ToListAsync(ct)).ToList();
            regimes = (await query.Query<RegimeDetails>()
                .Where(r => r.EndsOn < today && (r.Status == RegimeStatus.Active || r.Status == RegimeStatus.Suspended))
                .Select(r => r.Id).ToListAsync(ct)).ToList();
            // Cover is a question of dates and of the programme's requirements, so it is answered here from the read model
            // (inline, so as current as the streams) and only the participations whose status it would change are written.
            var open = await query.Query<ParticipationDetails>()
                .Where(p => p.Status == ParticipationStatus.Active || p.Status == ParticipationStatus.Suspended)
                .ToListAsync(ct);
            required = (await query.LoadManyAsync<RegimeDetails>(ct, open.Select(p => p.RegimeId).Distinct()))
                .ToDictionary(r => r.Id, r => r.Insurance);
            // A participation's dates are local dates at its place (its region's time zone when the territory lies in one).
            var localToday = open.ToDictionary(p => p.Id, p => profile.Value.LocalDate(now, profile.Value.PlaceOf(p.Territory)));
            participations = open.Where(p => p.Term.EndsOn < localToday[p.Id] || CoverChanges(p, localToday[p.Id], required))
                .Select(p => p.Id).ToList();
            var endedRegimes = (await query.Query<RegimeDetails>()
                .Where(r => r.Status == RegimeStatus.Terminated || r.Status == RegimeStatus.Expired)
                .Select(r => r.Id).ToListAsync(ct)).ToHashSet();
            orphaned = open.Where(p => endedRegimes.Contains(p.RegimeId)).Select(p => p.Id).ToList();
            var regimeOf = open.ToDictionary(p => p.Id, p => p.RegimeId);
            proposals = await CheckProposal.DueAsync(query, today, ct);
            foreach (var id in overdue)
                await Record<Application>(id, a => MissDeadline.Decide(a, today, now), ct);
            foreach (var id in proposals)
                await Record<Proposal>(id, p => CheckProposal.Decide(p, today, profile.Value, now), ct);
            foreach (var id in regimes)
                await Record<Regime>(id, r => ExpireRegime.Decide(r, today, now), ct);
            foreach (var id in participations.Except(orphaned))
                await Record<Participation>(id, p => CheckParticipation.Decide(p, localToday[id], required[regimeOf[id]], SystemActor.Instance, now), ct);
            foreach (var id in orphaned)
                await Record<Participation>(id, p => CheckParticipation.Decide(p, localToday[id], required[regimeOf[id]], SystemActor.Instance, now,
                    regimeEnded: true), ct);
        }
    }

    /// <summary>An active participation without compliant cover today, or one suspended for its insurance that has it again.</summary>
    private static bool CoverChanges(ParticipationDetails p, DateOnly today, Dictionary<Guid, InsuranceRequirements> required)
    {
        if (!required.TryGetValue(p.RegimeId, out var requirements)) return false;
        // A view written before policy periods were kept has none: its policies as the participant provided them apply.
        var policies = p.Policies.Count > 0 ? p.Policies : p.InsuranceHistory;
        var meets = policies.Any(policy => policy.Covers(today) && InsuranceRules.Meets(policy, requirements));
        return p.Status == ParticipationStatus.Active ? !meets : p.Suspension?.Ground == SuspensionGround.InsuranceLapsed && meets;
    }

    private async Task Record<T>(Guid id, Func<T, IReadOnlyList<object>> decide, CancellationToken ct) where T : class
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<IDocumentSession>();
            var stream = await session.Events.FetchForWriting<T>(id, ct);
            if (stream.Aggregate is null) return;
            var events = decide(stream.Aggregate);
            if (events.Count == 0) return;
            stream.AppendMany(events);
            await session.CommitAsync(ct);
            logger.LogInformation("Recorded {Events} for {Stream}", string.Join(", ", events.Select(e => e.GetType().Name)), id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Scheduled check of {Stream} failed; it is retried at the next interval", id);
        }
    }
}
