using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

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
            .ThenBy(d => d.IncidentId)
            .ToList();

    /// <summary>
    /// The open clocks of every open incident, soonest first, one page at a time. The clocks are computed from the incidents'
    /// state (working days, the jurisdiction's time zone), so the page is cut after computing them.
    /// </summary>
    public static async Task<Ok<ListPage<DeadlineEntry>>> List(bool? overdueOnly, int? page, int? pageSize, IQuerySession session,
        TimeProvider clock, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var open = await session.Query<Incident>().Where(i => i.Status != IncidentStatus.Closed).ToListAsync(ct);
        return TypedResults.Ok(Due(open, clock.GetUtcNow(), overdueOnly == true).ToPage(paging));
    }
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
