using Marten;
using SandboxRegistry.AiSystemRegistry.AiSystems.GettingDetails;
using MassTransit;
using Published = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.RecordingIncidents;

public static class RecordIncidents
{
    /// <summary>The same incident linked again (a re-triage) counts once.</summary>
    public static IncidentLinkedToVersion? Decide(AiSystem system, Published.IncidentLinkedToAiSystem m)
    {
        var version = Known(system, m.VersionId);
        return version.Incidents.Contains(m.IncidentId)
            ? null
            : new IncidentLinkedToVersion(system.Id, version.Id, m.IncidentId, m.DeploymentId, m.Explicit, m.Source, m.LinkedAt);
    }

    public static CommissionConclusionRecorded Decide(AiSystem system, Guid versionId, Published.CommissionConclusionIssued m) =>
        new(system.Id, Known(system, versionId).Id, m.IncidentId, m.CausalLink, m.Recommendations, m.Source, m.SignedAt);

    // IncidentClaims links only versions it learnt from this service, so an unknown one is a fault to retry and then park.
    private static VersionState Known(AiSystem system, Guid versionId) => system.Version(versionId)
        ?? throw new InvalidOperationException($"AI system {system.Id} has no version {versionId}.");

    internal static async Task<JasperFx.Events.IEventStream<AiSystem>> FetchAsync(IDocumentSession session, Guid id, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<AiSystem>(id, ct);
        return stream.Aggregate is null ? throw new InvalidOperationException($"AI system {id} is not registered here.") : stream;
    }
}

public sealed class IncidentLinkedToAiSystemConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Published.IncidentLinkedToAiSystem>
{
    public async Task Consume(ConsumeContext<Published.IncidentLinkedToAiSystem> context)
    {
        if (!await session.TryBeginAsync(context, nameof(IncidentLinkedToAiSystemConsumer), clock)) return;
        var m = context.Message;
        var stream = await RecordIncidents.FetchAsync(session, m.AiSystemId, context.CancellationToken);
        if (RecordIncidents.Decide(stream.Aggregate!, m) is { } linked)
        {
            stream.AppendOne(linked);
            session.Store(new LinkedIncident(m.IncidentId, m.AiSystemId, linked.VersionId, m.DeploymentId, m.Explicit, m.Source, m.LinkedAt,
                clock.GetUtcNow()));
        }
        await session.CommitAsync(context.CancellationToken);
    }
}

public sealed class CommissionConclusionIssuedConsumer(IDocumentSession session, TimeProvider clock)
    : IConsumer<Published.CommissionConclusionIssued>
{
    public async Task Consume(ConsumeContext<Published.CommissionConclusionIssued> context)
    {
        if (!await session.TryBeginAsync(context, nameof(CommissionConclusionIssuedConsumer), clock)) return;
        var m = context.Message;
        // A conclusion that names no AI system version (e.g. no causal link to AI) has nothing to record here.
        if (m is { AiSystemId: { } systemId, VersionId: { } versionId })
        {
            var stream = await RecordIncidents.FetchAsync(session, systemId, context.CancellationToken);
            stream.AppendOne(RecordIncidents.Decide(stream.Aggregate!, versionId, m));
        }
        await session.CommitAsync(context.CancellationToken);
    }
}
