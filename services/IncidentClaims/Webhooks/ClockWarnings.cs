using System.Security.Cryptography;
using System.Text;
using Marten;
using Marten.Exceptions;
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
    /// of: the regulator's clocks (report, commission, conclusion) and the participant's staged-report clocks.
    /// </summary>
    public static async Task<int> RecordAsync(IDocumentStore store, DateTimeOffset now, TimeSpan ahead, JurisdictionProfile profile,
        CancellationToken ct)
    {
        List<Incident> open;
        List<Incidents.StagedReporting.ProviderReporting> staged;
        await using (var query = store.QuerySession())
        {
            open = (await query.Query<Incident>().Where(i => i.Status != IncidentStatus.Closed).ToListAsync(ct)).ToList();
            var linked = open.Where(i => i.Resolution is not null).Select(i => i.Id).ToArray();
            staged = linked.Length == 0 ? [] : (await query.LoadManyAsync<Incidents.StagedReporting.ProviderReporting>(ct, linked)).ToList();
        }
        var running = open.SelectMany(i => Clocks.Open(i, now).Select(c => (i.Id, c.Clock)))
            .Concat(staged.SelectMany(r => r.Clocks(profile).Where(c => c.MetAt is null).Select(c => (r.Id, c))));
        var due = running.Where(c => c.Item2.DueBy >= now && c.Item2.DueBy - now <= ahead)
            .Select(c => new IncidentClockDueSoon(c.Item1, c.Item2.Name, c.Item2.DueBy, now)).ToList();
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
}

public sealed partial class ClockWarningProjection : Marten.Events.Aggregation.SingleStreamProjection<ClockWarning, Guid>
{
    public ClockWarningProjection() => IncludeType<IncidentClockDueSoon>();

    public override ClockWarning? Evolve(ClockWarning? snapshot, Guid id, JasperFx.Events.IEvent e) =>
        e.Data is IncidentClockDueSoon warning ? ClockWarning.From(warning) : snapshot;
}
