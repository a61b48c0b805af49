using SandboxRegistry.AiSystemRegistry;
using SandboxRegistry.AiSystemRegistry.Incidents.ReportedIncidents;
using SandboxRegistry.AiSystemRegistry.Regimes;
using SandboxRegistry.Contracts;
using SandboxRegistry.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ServiceNames.AiSystemRegistry, typeof(ServiceMarker).Assembly, defaults =>
{
    defaults.ConfigureMarten = KnownRegimesModule.ConfigureMarten;
    defaults.ConfigureBus = KnownRegimesModule.ConfigureBus;
    defaults.ConfigureMarten += ReportedIncidentsModule.ConfigureMarten; defaults.ConfigureBus += ReportedIncidentsModule.ConfigureBus;
});

var app = builder.Build();
app.UseServiceDefaults();
app.MapKnownRegimes();
app.Run();
