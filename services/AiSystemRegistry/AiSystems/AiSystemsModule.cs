using JasperFx.Events.Projections;
using Marten;
using JasperFx.Events;
using MassTransit;
using SandboxRegistry.AiSystemRegistry.AiSystems.Deprecating;
using SandboxRegistry.AiSystemRegistry.AiSystems.GettingDetails;
using SandboxRegistry.AiSystemRegistry.AiSystems.PublicRegister;
using SandboxRegistry.AiSystemRegistry.AiSystems.Recalling;
using SandboxRegistry.AiSystemRegistry.AiSystems.RecordingIncidents;
using SandboxRegistry.AiSystemRegistry.AiSystems.Registering;
using SandboxRegistry.AiSystemRegistry.AiSystems.Releasing;
using SandboxRegistry.AiSystemRegistry.AiSystems.Suspending;
using SandboxRegistry.AiSystemRegistry.AiSystems.Withdrawing;

namespace SandboxRegistry.AiSystemRegistry.AiSystems;

public static class AiSystemsModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        options.Events.AddEventTypes([
            typeof(AiSystemRegistered), typeof(AiSystemSuspended), typeof(AiSystemWithdrawn), typeof(VersionReleased),
            typeof(VersionDeprecated), typeof(VersionRecalled), typeof(IncidentLinkedToVersion), typeof(CommissionConclusionRecorded),
            typeof(VersionPlacedOnHold), typeof(VersionHoldLifted),
        ]);
        options.Projections.Add<AiSystemDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<AiSystemDetails>().Index(s => s.OwnerOgrn);
        options.Schema.For<LinkedIncident>().Index(l => l.AiSystemId).Index(l => l.VersionId).Index(l => l.RecordedAt);
    }

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<IncidentLinkedToAiSystemConsumer>();
        bus.AddConsumer<CommissionConclusionIssuedConsumer>();
        bus.AddConsumer<HoldingForIncidents.PreservationHoldConsumer>();
    }

    public static IEndpointRouteBuilder MapAiSystems(this IEndpointRouteBuilder app)
    {
        var systems = app.MapApi("/api/v1/ai-systems", "AI systems");
        systems.MapPost("/", RegisterAiSystem.Handle).Creation(Policies.Applicant);
        systems.MapGet("/", GetAiSystemDetails.List).List(Access.OwnerOrOfficialPolicy);
        systems.MapGet("/{id:guid}", GetAiSystemDetails.Get).Read(Access.OwnerOrOfficialPolicy);
        systems.MapGet("/{id:guid}/history", GetAiSystemDetails.History).List(Access.OwnerOrOfficialPolicy);
        systems.MapPost("/{id:guid}/suspension", SuspendAiSystem.Handle).Command(Policies.Regulator);
        systems.MapPost("/{id:guid}/withdrawal", WithdrawAiSystem.Handle).Command(Policies.Applicant);
        systems.MapPost("/{id:guid}/versions", ReleaseVersion.Handle).Command(Policies.Applicant);
        systems.MapPost("/{id:guid}/versions/{versionId:guid}/deprecation", DeprecateVersion.Handle).Command(Policies.Applicant);
        systems.MapPost("/{id:guid}/versions/{versionId:guid}/recall", RecallVersion.Handle).Command(Access.OwnerOrRegulatorPolicy);
        systems.MapGet("/{id:guid}/versions/{versionId:guid}/incidents", GetAiSystemDetails.Incidents).List(Access.OwnerOrOfficialPolicy);

        var register = app.MapApi("/api/v1/register/ai-systems", "Public register");
        register.MapGet("/", PublicRegisterEndpoints.List).PublicList();
        register.MapGet("/{id:guid}", PublicRegisterEndpoints.Get).PublicRead();
        return app;
    }
}
