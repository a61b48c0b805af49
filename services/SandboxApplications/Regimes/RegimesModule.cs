using JasperFx.Events.Projections;
using Marten;
using MassTransit;
using SandboxRegistry.SandboxApplications.Applications;
using SandboxRegistry.SandboxApplications.Applications.Approving;
using SandboxRegistry.SandboxApplications.Applications.AssigningReviewer;
using SandboxRegistry.SandboxApplications.Applications.GettingDetails;
using SandboxRegistry.SandboxApplications.Applications.ProvidingInformation;
using SandboxRegistry.SandboxApplications.Applications.Rejecting;
using SandboxRegistry.SandboxApplications.Applications.RequestingInformation;
using SandboxRegistry.SandboxApplications.Applications.Submitting;
using SandboxRegistry.SandboxApplications.Applications.Withdrawing;
using SandboxRegistry.SandboxApplications.Messaging;
using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Participations.GettingDetails;
using SandboxRegistry.SandboxApplications.Participations.KeepingRegister;
using SandboxRegistry.SandboxApplications.Participations.RenewingInsurance;
using SandboxRegistry.SandboxApplications.Participations.Resuming;
using SandboxRegistry.SandboxApplications.Participations.Suspending;
using SandboxRegistry.SandboxApplications.Participations.Terminating;
using SandboxRegistry.SandboxApplications.Regimes.Amending;
using SandboxRegistry.SandboxApplications.Regimes.Establishing;
using SandboxRegistry.SandboxApplications.Regimes.GettingDetails;
using SandboxRegistry.SandboxApplications.Regimes.Resuming;
using SandboxRegistry.SandboxApplications.Regimes.Suspending;
using SandboxRegistry.SandboxApplications.Regimes.Terminating;

namespace SandboxRegistry.SandboxApplications.Regimes;

public static class RegimesModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        options.Events.AddEventTypes([
            typeof(RegimeEstablished), typeof(RegimeAmended), typeof(RegimeSuspended), typeof(RegimeResumed), typeof(RegimeTerminated),
            typeof(RegimeExpired),
            typeof(ApplicationSubmitted), typeof(ReviewerAssigned), typeof(InformationRequested), typeof(InformationProvided),
            typeof(ApplicationApproved), typeof(ApplicationRejected), typeof(ApplicationWithdrawn), typeof(ReviewDeadlineMissed),
            typeof(ParticipationGranted), typeof(ParticipationSuspended), typeof(ParticipationResumed), typeof(ParticipationTerminated),
            typeof(ParticipationExpired), typeof(InsuranceRenewed), typeof(ResponsiblePersonAdded), typeof(ResponsiblePersonRemoved),
        ]);
        options.Projections.Add<RegimeDetailsProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<ApplicationDetailsProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<ParticipationDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<ApplicationDetails>().Index(a => a.CompanyOgrn).Index(a => a.RegimeId);
        options.Schema.For<ParticipationDetails>().Index(p => p.CompanyOgrn).Index(p => p.RegimeId);
    }

    public static void ConfigureBus(IBusRegistrationConfigurator bus) => bus.AddConsumer<CommissionConclusionIssuedConsumer>();

    public static IEndpointRouteBuilder MapRegimes(this IEndpointRouteBuilder app)
    {
        var regimes = app.MapGroup("/api/v1/regimes").WithTags("Regimes");
        regimes.MapEstablishRegime();
        regimes.MapAmendRegime();
        regimes.MapSuspendRegime();
        regimes.MapResumeRegime();
        regimes.MapTerminateRegime();
        regimes.MapGetRegimeDetails();
        regimes.MapGetRegimeHistory();

        var applications = app.MapGroup("/api/v1/applications").WithTags("Applications");
        applications.MapSubmitApplication();
        applications.MapAssignReviewer();
        applications.MapRequestInformation();
        applications.MapProvideInformation();
        applications.MapApproveApplication();
        applications.MapRejectApplication();
        applications.MapWithdrawApplication();
        applications.MapApplicationReads();

        var participations = app.MapGroup("/api/v1/participations").WithTags("Participations");
        participations.MapSuspendParticipation();
        participations.MapResumeParticipation();
        participations.MapTerminateParticipation();
        participations.MapRenewInsurance();
        participations.MapKeepRegister();
        participations.MapParticipationReads();
        app.MapPublicRegister();
        return app;
    }
}
