using Marten;
using MassTransit;
using SandboxRegistry.Contracts;
using SandboxRegistry.ServiceDefaults;
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

public sealed class HarmIncidentReportedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Published.HarmIncidentReported>
{
    public async Task Consume(ConsumeContext<Published.HarmIncidentReported> context)
    {
        if (!await session.TryBeginAsync(context, nameof(HarmIncidentReportedConsumer), clock)) return;

        var m = context.Message;
        // Reports naming a system only by its name are matched by triage in IncidentClaims, not here.
        if (m.ClaimedAiSystemId is { } systemId)
            session.Store(new ReportedIncident(m.IncidentId, m.RegionCode, m.OccurredAt, systemId, m.ClaimedVersion, m.Serious,
                m.ReportedAt, m.Source));
        await session.SaveChangesAsync(context.CancellationToken);
    }
}

public static class ReportedIncidentsModule
{
    public static void ConfigureMarten(StoreOptions options) =>
        options.Schema.For<ReportedIncident>().Index(r => r.ClaimedAiSystemId);

    public static void ConfigureBus(IBusRegistrationConfigurator bus) => bus.AddConsumer<HarmIncidentReportedConsumer>();
}
