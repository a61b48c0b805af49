using SandboxRegistry.SandboxApplications.ErasingContacts;
using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications;
using SandboxRegistry.SandboxApplications.Applications;
using SandboxRegistry.SandboxApplications.Messaging;
using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.SandboxApplications.Scheduling;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ServiceNames.SandboxApplications, typeof(ServiceMarker).Assembly, defaults =>
{
    defaults.ConfigureMarten = marten =>
    {
        RegimesModule.ConfigureMarten(marten);
        ApplicationsModule.ConfigureMarten(marten);
        ParticipationsModule.ConfigureMarten(marten);
        SandboxRegistry.SandboxApplications.AiResults.AiResultsModule.ConfigureMarten(marten);
        SandboxRegistry.SandboxApplications.Proposals.ProposalsModule.ConfigureMarten(marten);
    };
    defaults.ConfigureBus = ParticipationsModule.ConfigureBus;
    defaults.IntegrationEventMap = typeof(IntegrationEvents);
    defaults.StatutoryClocks = typeof(SandboxRegistry.SandboxApplications.Applications.MissingDeadline.ReviewClocks);
});
builder.Services.Configure<ScheduleOptions>(builder.Configuration.GetSection(ScheduleOptions.Section));
builder.Services.Configure<SandboxRegistry.SandboxApplications.Participations.ReportingInsuranceEvents.InsurerClients>(
    builder.Configuration.GetSection(SandboxRegistry.SandboxApplications.Participations.ReportingInsuranceEvents.InsurerClients.Section));
builder.Services.AddAuthorizationBuilder().AddReaders();
builder.Services.AddHostedService<ScheduledChecks>();

var app = builder.Build();
app.UseServiceDefaults();
app.MapRegimes();
app.MapApplications();
app.MapParticipations();
SandboxRegistry.SandboxApplications.AiResults.AiResultsModule.MapAiResults(app);
SandboxRegistry.SandboxApplications.Proposals.ProposalsModule.MapProposals(app);
app.Run();
