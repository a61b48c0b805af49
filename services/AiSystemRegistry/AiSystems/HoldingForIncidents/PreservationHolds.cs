using Marten;
using MassTransit;
using SandboxRegistry.AiSystemRegistry.AiSystems.RecordingIncidents;
using Published = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.HoldingForIncidents;

/// <summary>
/// Preservation holds as IncidentClaims places and lifts them (AI Act art. 73(6)). Each is recorded once by its hold id, so a
/// redelivered or repeated message changes nothing; the event recorded here is what the outbox acknowledges back
/// (PreservationHoldApplied / PreservationHoldReleased), so the acknowledgement leaves exactly when the hold took effect.
/// </summary>
public static class PreservationHolds
{
    public static VersionPlacedOnHold? Decide(AiSystem system, Published.PreservationHoldPlaced m, DateTimeOffset now)
    {
        var version = Known(system, m.VersionId);
        return version.Holds.Any(h => h.HoldId == m.HoldId)
            ? null
            : new VersionPlacedOnHold(system.Id, version.Id, version.Number, m.HoldId, m.IncidentId, m.Source, m.PlacedAt, now);
    }

    /// <summary>A lift of a hold this version does not hold (already lifted) records nothing.</summary>
    public static VersionHoldLifted? Decide(AiSystem system, Published.PreservationHoldLifted m, DateTimeOffset now)
    {
        var version = Known(system, m.VersionId);
        return version.Holds.All(h => h.HoldId != m.HoldId)
            ? null
            : new VersionHoldLifted(system.Id, version.Id, version.Number, m.HoldId, m.IncidentId, m.Reason, m.Source, m.LiftedAt, now,
                version.Holds.Any(h => h.HoldId != m.HoldId));
    }

    // IncidentClaims holds only versions it learnt from this service, so an unknown one is a fault to retry and then park.
    private static VersionState Known(AiSystem system, Guid versionId) => system.Version(versionId)
        ?? throw new InvalidOperationException($"AI system {system.Id} has no version {versionId}.");
}

/// <summary>Applies holds and lifts on the service's ordered queue, so a lift never overtakes the placement it lifts.</summary>
public sealed class PreservationHoldConsumer(IDocumentSession session, TimeProvider clock) :
    IConsumer<Published.PreservationHoldPlaced>,
    IConsumer<Published.PreservationHoldLifted>
{
    public Task Consume(ConsumeContext<Published.PreservationHoldPlaced> context) =>
        Apply(context, context.Message.AiSystemId, system => PreservationHolds.Decide(system, context.Message, clock.GetUtcNow()));

    public Task Consume(ConsumeContext<Published.PreservationHoldLifted> context) =>
        Apply(context, context.Message.AiSystemId, system => PreservationHolds.Decide(system, context.Message, clock.GetUtcNow()));

    private async Task Apply<T>(ConsumeContext<T> context, Guid aiSystemId, Func<AiSystem, object?> decide) where T : class
    {
        if (!await session.TryBeginAsync(context, nameof(PreservationHoldConsumer), clock)) return;
        var stream = await RecordIncidents.FetchAsync(session, aiSystemId, context.CancellationToken);
        if (decide(stream.Aggregate!) is { } recorded) stream.AppendOne(recorded);
        await session.CommitAsync(context.CancellationToken);
    }
}
