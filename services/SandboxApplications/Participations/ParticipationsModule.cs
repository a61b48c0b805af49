using JasperFx.Events.Projections;
using Marten;
using MassTransit;
using SandboxRegistry.SandboxApplications.Messaging;
using SandboxRegistry.SandboxApplications.Participations.GettingDetails;
using SandboxRegistry.SandboxApplications.Participations.KeepingRegister;
using SandboxRegistry.SandboxApplications.Participations.RenewingInsurance;
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
        ]);
        options.Projections.Add<ParticipationDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<ParticipationDetails>().Index(p => p.CompanyOgrn).Index(p => p.RegimeId);
    }

    /// <summary>A harm commission's conclusion (IncidentClaims) may suspend or terminate a participation.</summary>
    public static void ConfigureBus(IBusRegistrationConfigurator bus) => bus.AddConsumer<CommissionConclusionIssuedConsumer>();

    public static IEndpointRouteBuilder MapParticipations(this IEndpointRouteBuilder app)
    {
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
