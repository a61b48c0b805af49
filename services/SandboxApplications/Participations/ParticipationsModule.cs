using SandboxRegistry.SandboxApplications.ErasingContacts;
using JasperFx.Events.Projections;
using Marten;
using MassTransit;
using SandboxRegistry.SandboxApplications.Messaging;
using SandboxRegistry.SandboxApplications.Participations.GettingDetails;
using SandboxRegistry.SandboxApplications.Participations.KeepingRegister;
using SandboxRegistry.SandboxApplications.Participations.Leaving;
using SandboxRegistry.SandboxApplications.Participations.RenewingInsurance;
using SandboxRegistry.SandboxApplications.Participations.ReportingInsuranceEvents;
using SandboxRegistry.SandboxApplications.Participations.Resuming;
using SandboxRegistry.SandboxApplications.Participations.Suspending;
using SandboxRegistry.SandboxApplications.Participations.Terminating;

namespace SandboxRegistry.SandboxApplications.Participations;

public static class ParticipationsModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        options.Events.AddEventTypes([
            typeof(ParticipationGranted), typeof(ParticipationSuspended), typeof(ParticipationResumed), typeof(ParticipationTerminated),
            typeof(ParticipationExpired), typeof(InsuranceRenewed), typeof(ResponsiblePersonAdded), typeof(ResponsiblePersonRemoved),
            typeof(InsuranceEventReported), typeof(ParticipationLeft), typeof(ExitReportFiled), typeof(ExitAssessed),
        ]);
        options.Projections.Add<ParticipationDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<ParticipationDetails>().Index(p => p.CompanyOgrn).Index(p => p.RegimeId);
        options.Schema.For<InsuranceNoticeKey>();
    }

    /// <summary>A harm commission's conclusion (IncidentClaims) may suspend or terminate a participation.</summary>
    public static void ConfigureBus(IBusRegistrationConfigurator bus) => bus.AddConsumer<CommissionConclusionIssuedConsumer>();

    public static IEndpointRouteBuilder MapParticipations(this IEndpointRouteBuilder app)
    {
        var participations = app.MapApi("/api/v1/participations", "Participations");
        participations.MapGet("/", GetParticipationDetails.List).List(Access.Readers).Produces<ListPage<ParticipationDetails>>();
        participations.MapGet("/{id:guid}", GetParticipationDetails.Get).Read(Access.Readers).Produces<ParticipationDetails>();
        participations.MapGet("/{id:guid}/history", GetParticipationDetails.History).List(Access.Readers);
        participations.MapGet("/{id:guid}/responsible-persons", GetParticipationDetails.ResponsiblePersons).Read(Access.Readers)
            .Produces<ResponsibleOn>();
        participations.MapPost("/{id:guid}/suspension", SuspendParticipation.Handle).Command(Policies.Regulator);
        participations.MapPost("/{id:guid}/resumption", ResumeParticipation.Handle).Command(Policies.Regulator);
        participations.MapPost("/{id:guid}/termination", TerminateParticipation.Handle).Command(Policies.Regulator);
        participations.MapPost("/{id:guid}/insurance", RenewInsurance.Handle).Command(Policies.Applicant);
        participations.MapPost("/{id:guid}/exit", LeaveRegime.Handle).Command(Policies.Applicant);
        participations.MapPost("/{id:guid}/exit-report", LeaveRegime.HandleReport).Command(Policies.Applicant);
        participations.MapPost("/{id:guid}/exit-assessment", LeaveRegime.HandleAssessment).Command(Policies.Regulator);
        participations.MapPost("/{id:guid}/responsible-persons", KeepRegister.AddPerson).Command(Policies.Applicant);
        participations.MapPost("/{id:guid}/responsible-persons/{entryId:guid}/removal", KeepRegister.RemovePerson).Command(Policies.Applicant);
        participations.MapPost("/{id:guid}/responsible-persons/{entryId:guid}/erasure", EraseContacts.FromRegister).Command(Policies.Regulator);

        var insurers = app.MapApi("/api/v1/insurance-events", "Insurance events");
        insurers.MapPost("/", ReportInsuranceEvent.Handle).Command(Policies.Integration)
            .ProducesProblem(StatusCodes.Status403Forbidden).Produces<InsuranceEventReceipt>();

        var register = app.MapApi("/api/v1/register/participations", "Register");
        register.MapGet("/", GetParticipationDetails.Register).PublicList();
        return app;
    }
}
