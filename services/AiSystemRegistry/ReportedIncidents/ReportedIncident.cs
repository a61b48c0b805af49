using Marten;
using MassTransit;
using SandboxRegistry.Contracts;
using Published = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.AiSystemRegistry.ReportedIncidents;

/// <summary>
/// A harm report that names a system of this registry, copied from IncidentClaims' HarmIncidentReported so that a
/// system's record can show what was claimed against it before triage links it. Carries no personal data.
/// </summary>
public sealed record ReportedIncident(
    Guid Id,
    string RegionCode,
    DateTimeOffset OccurredAt,
    Guid ClaimedAiSystemId,
    string? ClaimedVersion,
    bool Serious,
    DateTimeOffset ReportedAt,
    SourceCitation Source);

/// <summary>
/// Copies reports in batches, from a queue of its own (<see cref="ReportedIncidentsModule.Queue"/>): each copy is a
/// document keyed by the incident, written whole from this one message and the same on every delivery, so it does not
/// need the order of the service's other messages, and a burst of reports costs one transaction per batch.
/// </summary>
public sealed class HarmIncidentReportedConsumer(IDocumentSession session, TimeProvider clock)
    : IConsumer<Batch<Published.HarmIncidentReported>>
{
    public async Task Consume(ConsumeContext<Batch<Published.HarmIncidentReported>> context)
    {
        foreach (var delivery in await session.TryBeginAsync(context.Message, nameof(HarmIncidentReportedConsumer), clock))
        {
            var m = delivery.Message;
            // Reports naming a system only by its name are matched by triage in IncidentClaims, not here.
            if (m.ClaimedAiSystemId is { } systemId)
                session.Store(new ReportedIncident(m.IncidentId, m.RegionCode, m.OccurredAt, systemId, m.ClaimedVersion, m.Serious,
                    m.ReportedAt, m.Source));
        }
        await session.CommitAsync(context.CancellationToken);
    }
}

public static class ReportedIncidentsModule
{
    /// <summary>The batch endpoint's name (its queue: ai-system-registry-integration-events-reported-incidents).</summary>
    public const string Queue = "reported-incidents";

    public static void ConfigureMarten(StoreOptions options) =>
        options.Schema.For<ReportedIncident>().Index(r => r.ClaimedAiSystemId);

    public static void ConfigureBus(IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<HarmIncidentReportedConsumer>(c => c.Options<BatchOptions>(ServiceDefaultsExtensions.Batched));
}
