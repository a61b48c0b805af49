using JasperFx.Events.Projections;
using Marten;
using SandboxRegistry.SandboxApplications.Regimes.Establishing;
using SandboxRegistry.SandboxApplications.Regimes.GettingDetails;

namespace SandboxRegistry.SandboxApplications.Regimes;

public static class RegimesModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        options.Events.AddEventType<RegimeEstablished>();
        options.Projections.Add<RegimeDetailsProjection>(ProjectionLifecycle.Inline);
    }

    public static IEndpointRouteBuilder MapRegimes(this IEndpointRouteBuilder app)
    {
        var regimes = app.MapGroup("/api/v1/regimes").WithTags("Regimes");
        regimes.MapEstablishRegime();
        regimes.MapGetRegimeDetails();
        regimes.MapGetRegimeHistory();
        return app;
    }
}
