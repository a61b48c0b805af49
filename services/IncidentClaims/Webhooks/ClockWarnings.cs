using System.Security.Cryptography;
using System.Text;
using Marten;
using Marten.Exceptions;
using Npgsql;
using SandboxRegistry.IncidentClaims.Incidents.ListingDeadlines;
using SandboxRegistry.IncidentClaims.Incidents;

namespace SandboxRegistry.IncidentClaims.Webhooks;

/// <summary>
/// The fact that a statutory clock of an incident came within Webhooks:ClockWarningAhead of its due time while still
/// running. Kept in a stream of its own per clock and due time (not on the incident's stream, where it would race the
/// regulator's commands), whose id derives from them, so the warning is recorded once whichever replica notices first.
/// </summary>
public sealed record IncidentClockDueSoon(Guid IncidentId, string Clock, DateTimeOffset DueBy, DateTimeOffset NoticedAt);

/// <summary>The stream of one warning: Marten needs a type for it.</summary>
public sealed record ClockWarning(Guid Id, Guid IncidentId, string Clock, DateTimeOffset DueBy)
{
    public static ClockWarning From(IncidentClockDueSoon e) => new(StreamId(e.IncidentId, e.Clock, e.DueBy), e.IncidentId, e.Clock, e.DueBy);

    public static Guid StreamId(Guid incidentId, string clock, DateTimeOffset dueBy) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"clock-warning/{incidentId:N}/{clock}/{dueBy.UtcTicks}")).AsSpan(0, 16));
}

public static class ClockWarnings
{
    /// <summary>
    /// Records a warning for every running clock of an open incident due within <paramref name="ahead"/> and not yet warned
    /// of: the regulator's clocks (report, commission, conclusion), found by PostgreSQL in the incident documents
    /// (<see cref="OpenClocks"/>), and the participant's staged-report clocks, computed from the jurisdiction profile while
    /// the staged reporting of each open linked incident is read, one row at a time; only the warnings due stay in memory.
    /// </summary>
    public static async Task<int> RecordAsync(IDocumentStore store, NpgsqlDataSource dataSource, DateTimeOffset now, TimeSpan ahead,
        JurisdictionProfile profile, CancellationToken ct)
    {
        var due = new List<IncidentClockDueSoon>();
        await using (var query = store.QuerySession())
        {
            foreach (var (incident, clock) in await OpenClocks.DueBetweenAsync(query, dataSource, now, now + ahead, ct))
                due.Add(new IncidentClockDueSoon(incident, clock.Name, clock.DueBy, now));
            await foreach (var staged in StagedOfOpenLinkedAsync(query, dataSource, ct))
                foreach (var c in staged.Clocks(profile).Where(c => c.MetAt is null && c.DueBy >= now && c.DueBy - now <= ahead))
                    due.Add(new IncidentClockDueSoon(staged.Id, c.Name, c.DueBy, now));
        }
        if (due.Count == 0) return 0;

        await using var session = store.LightweightSession();
        var known = (await session.LoadManyAsync<ClockWarning>(ct, due.Select(d => ClockWarning.StreamId(d.IncidentId, d.Clock, d.DueBy)).ToArray()))
            .Select(w => w.Id).ToHashSet();
        var recorded = 0;
        foreach (var warning in due.Where(d => !known.Contains(ClockWarning.StreamId(d.IncidentId, d.Clock, d.DueBy))))
        {
            session.Events.StartStream<ClockWarning>(ClockWarning.StreamId(warning.IncidentId, warning.Clock, warning.DueBy), warning);
            recorded++;
        }
        try
        {
            await session.CommitAsync(ct);
        }
        catch (ExistingStreamIdCollisionException)
        {
            return 0; // another replica recorded them first; the next pass records what is left
        }
        return recorded;
    }

    /// <summary>The staged reporting of every incident not closed and linked, read as a stream.</summary>
    private static async IAsyncEnumerable<Incidents.StagedReporting.ProviderReporting> StagedOfOpenLinkedAsync(IQuerySession session,
        NpgsqlDataSource dataSource, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // Both queries as Marten builds them; only the incidents' filter has parameters, so their positions stay right.
        var linked = MartenSql.Of(session.Query<Incident>().Where(i => i.Status != IncidentStatus.Closed && i.Resolution != null));
        var staged = MartenSql.Of(session.Query<Incidents.StagedReporting.ProviderReporting>());
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = linked.Command(
            $"select s.data from ({staged.Sql}) s where (s.data ->> 'id')::uuid in (select (f.data ->> 'id')::uuid from ({linked.Sql}) f)", connection);
        var serializer = session.DocumentStore.Options.Serializer();
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct)) yield return await serializer.FromJsonAsync<Incidents.StagedReporting.ProviderReporting>(reader, 0, ct);
    }
}

public sealed partial class ClockWarningProjection : Marten.Events.Aggregation.SingleStreamProjection<ClockWarning, Guid>
{
    public ClockWarningProjection() => IncludeType<IncidentClockDueSoon>();

    public override ClockWarning? Evolve(ClockWarning? snapshot, Guid id, JasperFx.Events.IEvent e) =>
        e.Data is IncidentClockDueSoon warning ? ClockWarning.From(warning) : snapshot;
}
