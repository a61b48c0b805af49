using JasperFx.Events.Projections;
using Marten;
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
        ]);
        options.Projections.Add<RegimeDetailsProjection>(ProjectionLifecycle.Inline);
    }

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
        return app;
    }
}
