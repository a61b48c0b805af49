using MassTransit;
using SandboxRegistry.AiSystemRegistry;
using SandboxRegistry.AiSystemRegistry.AiSystems;
using SandboxRegistry.AiSystemRegistry.Deployments;
using SandboxRegistry.AiSystemRegistry.ReportedIncidents;
using SandboxRegistry.AiSystemRegistry.Messaging;
using SandboxRegistry.AiSystemRegistry.Participations;
using SandboxRegistry.AiSystemRegistry.Regimes;
using SandboxRegistry.Contracts;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ServiceNames.AiSystemRegistry, typeof(ServiceMarker).Assembly, defaults =>
{
    defaults.ConfigureMarten = options =>
    {
        KnownRegimesModule.ConfigureMarten(options);
        ParticipationsModule.ConfigureMarten(options);
        AiSystemsModule.ConfigureMarten(options);
        DeploymentsModule.ConfigureMarten(options);
        ReportedIncidentsModule.ConfigureMarten(options);
    };
    defaults.ConfigureBus = bus =>
    {
        KnownRegimesModule.ConfigureBus(bus);
        ParticipationsModule.ConfigureBus(bus);
        AiSystemsModule.ConfigureBus(bus);
        ReportedIncidentsModule.ConfigureBus(bus);
    };
    defaults.BatchEndpoints[ReportedIncidentsModule.Queue] = typeof(HarmIncidentReportedConsumer);
    defaults.IntegrationEventMap = typeof(IntegrationEvents);
    defaults.ReadModelUpgrades.AddRange([.. AiSystemsModule.ReadModelUpgrades, .. DeploymentsModule.ReadModelUpgrades]);
});
builder.Services.AddAccessPolicies();

var app = builder.Build();
app.UseServiceDefaults();
app.MapKnownRegimes();
app.MapKnownParticipations();
app.MapAiSystems();
app.MapDeployments();
app.Run();
