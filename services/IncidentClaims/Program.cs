using Marten;
using MassTransit;
using SandboxRegistry.Contracts;
using SandboxRegistry.IncidentClaims;
using SandboxRegistry.IncidentClaims.AiSystems;
using SandboxRegistry.IncidentClaims.Exports;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.IncidentClaims.Incidents.StagedReporting;
using SandboxRegistry.IncidentClaims.Messaging;
using SandboxRegistry.IncidentClaims.Participations;
using SandboxRegistry.IncidentClaims.PublicRegister;
using SandboxRegistry.IncidentClaims.Regimes;
using SandboxRegistry.IncidentClaims.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ServiceNames.IncidentClaims, typeof(ServiceMarker).Assembly, defaults =>
{
    defaults.ConfigureMarten = options =>
    {
        IncidentsModule.ConfigureMarten(options);
        KnownRegimesModule.ConfigureMarten(options);
        KnownParticipationsModule.ConfigureMarten(options);
        KnownAiSystemsModule.ConfigureMarten(options);
        PublicRegisterModule.ConfigureMarten(options);
        WebhooksModule.ConfigureMarten(options);
        ExportsModule.ConfigureMarten(options);
    };
    defaults.ConfigureBus = bus =>
    {
        KnownRegimesModule.ConfigureBus(bus);
        KnownParticipationsModule.ConfigureBus(bus);
        KnownAiSystemsModule.ConfigureBus(bus);
        IncidentsModule.ConfigureBus(bus);
    };
    defaults.IntegrationEventMap = typeof(IntegrationEvents);
    defaults.UseGroupCommit = true;
    defaults.ReadModelUpgrades.AddRange(IncidentsModule.ReadModelUpgrades);
    defaults.StatutoryClocks = typeof(SandboxRegistry.IncidentClaims.Incidents.ListingDeadlines.IncidentClocks);
});

builder.Services.AddAuthorizationBuilder().AddIncidentReaders().AddWebhookPolicies().AddStagedReportReaders();
builder.AddWebhooks();

var app = builder.Build();
app.UseServiceDefaults();
app.MapKnownRegimes();
app.MapIncidents();
app.MapKnownSources();
app.MapPublicIncidentRegister();
app.MapWebhooks();
app.MapExports();
app.Run();
