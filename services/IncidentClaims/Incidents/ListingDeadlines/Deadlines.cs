using Marten;

namespace SandboxRegistry.IncidentClaims.Incidents.ListingDeadlines;

/// <param name="Clock">report, commission or conclusion.</param>
public sealed record DeadlineEntry(Guid IncidentId, string TrackingCode, string Title, IncidentStatus Status, string Clock, DateTimeOffset DueBy,
    bool Overdue);

public static class Deadlines
{
    public static IReadOnlyList<DeadlineEntry> Due(IEnumerable<Incident> incidents, DateTimeOffset now, bool overdueOnly) =>
        incidents.SelectMany(i => Clocks.Open(i, now).Select(c => new DeadlineEntry(i.Id, i.TrackingCode, i.Title, i.Status, c.Clock.Name,
                c.Clock.DueBy, c.Overdue)))
            .Where(d => !overdueOnly || d.Overdue)
            .OrderBy(d => d.DueBy)
            .ToList();

    public static void MapDeadlines(this RouteGroupBuilder incidents) =>
        incidents.MapGet("/deadlines", async (bool? overdueOnly, IQuerySession session, TimeProvider clock, CancellationToken ct) =>
            {
                var open = await session.Query<Incident>().Where(i => i.Status != IncidentStatus.Closed).ToListAsync(ct);
                return Results.Ok(Due(open, clock.GetUtcNow(), overdueOnly == true));
            })
            .RequireAuthorization(Policies.Regulator)
            .RequireRateLimiting(RateLimits.Lists)
            .WithName("ListDeadlines")
            .Produces<IReadOnlyList<DeadlineEntry>>();
}

/// <summary>The report, commission and conclusion clocks of every incident not closed, for the clock gauges.</summary>
public sealed class IncidentClocks : IStatutoryClocks
{
    public async Task<IReadOnlyList<ClockCount>> CountAsync(IQuerySession session, DateTimeOffset now, CancellationToken ct)
    {
        var open = await session.Query<Incident>().Where(i => i.Status != IncidentStatus.Closed).ToListAsync(ct);
        var running = Deadlines.Due(open, now, overdueOnly: false);
        return new[] { Incident.ReportClock, Incident.CommissionClock, Incident.ConclusionClock }
            .Select(name => new ClockCount(name, running.Count(d => d.Clock == name),
            running.Count(d => d.Clock == name && d.Overdue))).ToList();
    }
}
