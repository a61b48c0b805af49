using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications;
using SandboxRegistry.SandboxApplications.Messaging;
using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ServiceNames.SandboxApplications, typeof(ServiceMarker).Assembly, defaults =>
{
    defaults.ConfigureMarten = RegimesModule.ConfigureMarten;
    defaults.IntegrationEventMap = typeof(IntegrationEvents);
});
builder.Services.Configure<JurisdictionProfile>(builder.Configuration.GetSection(JurisdictionProfile.Section));

var app = builder.Build();
app.UseServiceDefaults();
app.MapRegimes();
app.Run();
