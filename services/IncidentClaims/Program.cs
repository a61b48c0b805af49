using SandboxRegistry.IncidentClaims;
using SandboxRegistry.IncidentClaims.Regimes;
using SandboxRegistry.Contracts;
using SandboxRegistry.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ServiceNames.IncidentClaims, typeof(ServiceMarker).Assembly, defaults =>
{
    defaults.ConfigureMarten = KnownRegimesModule.ConfigureMarten;
    defaults.ConfigureBus = KnownRegimesModule.ConfigureBus;
});

var app = builder.Build();
app.UseServiceDefaults();
app.MapKnownRegimes();
app.Run();
