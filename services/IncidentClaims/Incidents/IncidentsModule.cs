using JasperFx.Events.Projections;
using Marten;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.IncidentClaims.Incidents.Claiming;
using SandboxRegistry.IncidentClaims.Incidents.Closing;
using SandboxRegistry.IncidentClaims.Incidents.Concluding;
using SandboxRegistry.IncidentClaims.Incidents.Convening;
using SandboxRegistry.IncidentClaims.Incidents.ErasingReporterData;
using SandboxRegistry.IncidentClaims.Incidents.GettingDossier;
using SandboxRegistry.IncidentClaims.Incidents.GettingStatus;
using SandboxRegistry.IncidentClaims.Incidents.ListingDeadlines;
using SandboxRegistry.IncidentClaims.Incidents.Reporting;
using SandboxRegistry.IncidentClaims.Incidents.Responding;
using SandboxRegistry.IncidentClaims.Incidents.StagedReporting;
using SandboxRegistry.IncidentClaims.Incidents.Triaging;

namespace SandboxRegistry.IncidentClaims.Incidents;

public static class IncidentsModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        foreach (var type in Incident.EventTypes) options.Events.AddEventType(type);
        options.Projections.Add<IncidentProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Incident>().Index(i => i.Status);
        options.Projections.Add<ProviderReportingProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<IdempotencyRecord>().Identity(r => r.Id);
    }

    /// <summary>
    /// Databases written before the bitemporal change (December 2026) hold incident documents whose links carry no instants:
    /// the incident and export documents of every linked incident are rebuilt from their streams, which fills them in (valid
    /// time occurredAt, known at the link, see <see cref="Resolution.WithInstants"/>).
    /// </summary>
    public static IEnumerable<ReadModelUpgrade> ReadModelUpgrades
    {
        get
        {
            static async Task<IReadOnlyList<Guid>> Linked(IQuerySession session, CancellationToken ct) =>
                (await session.Events.QueryRawEventDataOnly<IncidentLinked>().ToListAsync(ct)).Select(e => e.IncidentId).Distinct().ToList();
            return
            [
                ReadModelUpgrade.Rebuild<Incident>("2026-12 bitemporal: incident links", Linked),
                ReadModelUpgrade.Rebuild<Exports.IncidentRecord>("2026-12 bitemporal: incident records", Linked),
            ];
        }
    }

    public static void ConfigureBus(MassTransit.IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<PreservingVersion.PreservationHoldAcknowledgementsConsumer>();

    public static IEndpointRouteBuilder MapIncidents(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapApi("/api/v1/incidents", "Incidents");
        incidents.MapPost("/", ReportIncident.Handle).Creation(Policies.Integration).RequireRateLimiting(RateLimits.Intake)
            .Produces<IncidentReceipt>(StatusCodes.Status201Created);
        incidents.MapGet("/", GetIncidentStatus.List).List(IncidentAccess.Readers);
        incidents.MapGet("/{id:guid}/status", GetIncidentStatus.Get).Read(IncidentAccess.Readers);
        incidents.MapGet("/deadlines", Deadlines.List).List(Policies.Regulator);
        incidents.MapPost("/{id:guid}/link", Triage.LinkByDeployment).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/explicit-link", Triage.LinkExplicitly).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/link-correction", Triage.CorrectLinkTo).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/preservation-hold/lifting", PreservingVersion.PreservationHolds.HandleLift).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/not-ai-related-finding", Triage.FindNotAiRelated).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/duplicate", Triage.MarkAsDuplicate).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/commission", ConveneCommission.Handle).Command(Policies.Regulator);
        incidents.MapPut("/{id:guid}/commission/conclusion", Conclusions.RecordConclusion).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/commission/conclusion/signature", Conclusions.SignConclusion).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/insurance-claim", InsuranceClaims.OpenClaim).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/insurance-claim/insurer-notification", InsuranceClaims.NotifyInsurer).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/insurance-claim/payment", InsuranceClaims.RecordPayment).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/insurance-claim/denial", InsuranceClaims.RecordDenial).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/closure", CloseIncident.Handle).Command(Policies.Regulator);
        incidents.MapGet("/{id:guid}/dossier", GetDossier.Get).Read(Policies.RegulatorOrAuditor);
        incidents.MapGet("/{id:guid}/dossier/verification", GetDossier.Verify).Read(Policies.RegulatorOrAuditor);
        incidents.MapGet("/{id:guid}/dossier/export", ExportDossier.Get).Read(Policies.RegulatorOrAuditor);
        incidents.MapPost("/{id:guid}/reporter/erasure", EraseReporterData.Handle).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/statement", CompanyStatements.Publish).Command(Policies.Applicant);
        incidents.MapGet("/{id:guid}/provider-reports", StagedReports.Get).Read(StagedReportAccess.Readers);
        incidents.MapPost("/{id:guid}/provider-reports", StagedReports.File).Command(Policies.Applicant);
        incidents.MapPost("/{id:guid}/provider-reports/{reportId:guid}/acceptance", StagedReports.Accept).Command(Policies.Regulator);
        incidents.MapPost("/{id:guid}/provider-reports/{reportId:guid}/information-request", StagedReports.RequestMore).Command(Policies.Regulator);
        return app;
    }
}
