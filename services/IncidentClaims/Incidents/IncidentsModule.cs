using JasperFx.Events.Projections;
using Marten;
using SandboxRegistry.IncidentClaims.Incidents.Claiming;
using SandboxRegistry.IncidentClaims.Incidents.Closing;
using SandboxRegistry.IncidentClaims.Incidents.Concluding;
using SandboxRegistry.IncidentClaims.Incidents.Convening;
using SandboxRegistry.IncidentClaims.Incidents.ErasingReporterData;
using SandboxRegistry.IncidentClaims.Incidents.GettingDossier;
using SandboxRegistry.IncidentClaims.Incidents.GettingStatus;
using SandboxRegistry.IncidentClaims.Incidents.ListingDeadlines;
using SandboxRegistry.IncidentClaims.Incidents.Reporting;
using SandboxRegistry.IncidentClaims.Incidents.Triaging;

namespace SandboxRegistry.IncidentClaims.Incidents;

public static class IncidentsModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        foreach (var type in Incident.EventTypes) options.Events.AddEventType(type);
        options.Projections.Add<IncidentProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Incident>().Index(i => i.Status);
        options.Schema.For<IdempotencyRecord>().Identity(r => r.Id);
    }

    public static IEndpointRouteBuilder MapIncidents(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapGroup("/api/v1/incidents").WithTags("Incidents");
        incidents.MapReportIncident();
        incidents.MapGetIncidentStatus();
        incidents.MapDeadlines();
        incidents.MapTriage();
        incidents.MapConveneCommission();
        incidents.MapConclusion();
        incidents.MapInsuranceClaims();
        incidents.MapCloseIncident();
        incidents.MapGetDossier();
        incidents.MapVerifyDossier();
        incidents.MapEraseReporterData();
        return app;
    }
}
