using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SandboxRegistry.EventSourcing;

namespace SandboxRegistry.IncidentClaims.Incidents.ListingDeadlines;

/// <param name="Clock">report, commission or conclusion.</param>
public sealed record DeadlineEntry(Guid IncidentId, string TrackingCode, string Title, IncidentStatus Status, string Clock, DateTimeOffset DueBy,
    bool Overdue);

/// <summary>
/// The running statutory clocks of the incidents not closed (<see cref="Clocks.Open"/>: a clock not met yet, overdue once
/// past its due time), read where they are stored: PostgreSQL unfolds each incident document's clocks and filters, sorts,
/// pages and counts them, so a list, a gauge or a warning pass over 100,000 open incidents moves a page or a few counts
/// into the service, never the incidents.
/// </summary>
public static class OpenClocks
{
    /// <summary>
    /// The running clocks as rows of (incident document, clock): the incidents not closed, filtered by the same query
    /// Marten builds for <c>Status != Closed</c>, each clock without a metAt. Marten's parameters are positional, so the
    /// instants and the paging (the service's own values, never a client's text) stand in the SQL as literals
    /// (<see cref="Instant"/>).
    /// </summary>
    private static (string From, MartenSql Open) Running(IQuerySession session)
    {
        var open = MartenSql.Of(session.Query<Incident>().Where(i => i.Status != IncidentStatus.Closed));
        return ($"({open.Sql}) f cross join lateral jsonb_array_elements(f.data -> 'clocks') c where c ->> 'metAt' is null", open);
    }

    private const string DueBy = "(c ->> 'dueBy')::timestamptz";

    private static string Instant(DateTimeOffset at) => $"'{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffff}Z'::timestamptz";

    /// <summary>One page of the running clocks, soonest first (then by incident and clock), with the total.</summary>
    public static async Task<ListPage<DeadlineEntry>> PageAsync(IQuerySession session, NpgsqlDataSource dataSource, DateTimeOffset now,
        bool overdueOnly, Paging paging, CancellationToken ct)
    {
        var (running, open) = Running(session);
        var where = overdueOnly ? $" and {DueBy} < {Instant(now)}" : "";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(open.BatchCommand($"select count(*) from {running}{where}"));
        batch.BatchCommands.Add(open.BatchCommand(
            "select (f.data ->> 'id')::uuid, f.data ->> 'trackingCode', f.data ->> 'title', f.data ->> 'status', c ->> 'name', c ->> 'dueBy', " +
            $"{DueBy} < {Instant(now)} from {running}{where} order by {DueBy}, 1, 5 limit {paging.Size} offset {paging.Skip}"));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        var items = new List<DeadlineEntry>();
        while (await reader.ReadAsync(ct))
            items.Add(new DeadlineEntry(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), Enum.Parse<IncidentStatus>(reader.GetString(3), ignoreCase: true),
                reader.GetString(4), DateTimeOffset.Parse(reader.GetString(5), System.Globalization.CultureInfo.InvariantCulture), reader.GetBoolean(6)));
        return new ListPage<DeadlineEntry>(items, paging.Page, paging.Size, total);
    }

    /// <summary>Running and overdue clocks by clock name, for the gauges.</summary>
    public static async Task<IReadOnlyDictionary<string, (long Open, long Breached)>> CountAsync(IQuerySession session, NpgsqlDataSource dataSource,
        DateTimeOffset now, CancellationToken ct)
    {
        var (running, open) = Running(session);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(open.BatchCommand(
            $"select c ->> 'name', count(*), count(*) filter (where {DueBy} < {Instant(now)}) from {running} group by 1"));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var counts = new Dictionary<string, (long, long)>();
        while (await reader.ReadAsync(ct)) counts[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return counts;
    }

    /// <summary>The running clocks due from <paramref name="from"/> to <paramref name="until"/>, both included.</summary>
    public static async Task<IReadOnlyList<(Guid IncidentId, Clock Clock)>> DueBetweenAsync(IQuerySession session, NpgsqlDataSource dataSource,
        DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        var (running, open) = Running(session);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(open.BatchCommand(
            $"select (f.data ->> 'id')::uuid, c ->> 'name', c ->> 'dueBy' from {running} and {DueBy} between {Instant(from)} and {Instant(until)}"));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var due = new List<(Guid, Clock)>();
        while (await reader.ReadAsync(ct))
            due.Add((reader.GetGuid(0), new Clock(reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture), null)));
        return due;
    }
}

public static class Deadlines
{
    /// <summary>The open clocks of every open incident, soonest first, one page at a time.</summary>
    public static async Task<Ok<ListPage<DeadlineEntry>>> List(bool? overdueOnly, int? page, int? pageSize, IQuerySession session,
        NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await OpenClocks.PageAsync(session, dataSource, clock.GetUtcNow(), overdueOnly == true, Paging.From(page, pageSize), ct));
}

/// <summary>The report, commission and conclusion clocks of every incident not closed, for the clock gauges.</summary>
public sealed class IncidentClocks(NpgsqlDataSource dataSource) : IStatutoryClocks
{
    public async Task<IReadOnlyList<ClockCount>> CountAsync(IQuerySession session, DateTimeOffset now, CancellationToken ct)
    {
        var counts = await OpenClocks.CountAsync(session, dataSource, now, ct);
        return new[] { Incident.ReportClock, Incident.CommissionClock, Incident.ConclusionClock }
            .Select(name => counts.TryGetValue(name, out var c) ? new ClockCount(name, c.Open, c.Breached) : new ClockCount(name, 0, 0)).ToList();
    }
}
