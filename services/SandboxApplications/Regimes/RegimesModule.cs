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
        var regimes = app.MapApi("/api/v1/regimes", "Regimes");
        regimes.MapPost("/", EstablishRegime.Handle).Creation(Policies.Regulator);
        regimes.MapGet("/", GetRegimeDetails.List).PublicList(); // the public register
        regimes.MapGet("/{id:guid}", GetRegimeDetails.Get).PublicRead();
        regimes.MapGet("/{id:guid}/programmes", GetRegimeDetails.Programmes).PublicRead();
        regimes.MapGet("/{id:guid}/programmes/{version:int}", GetRegimeDetails.Programme).PublicRead();
        regimes.MapGet("/{id:guid}/history", GetRegimeDetails.History).List(Policies.RegulatorOrAuditor);
        regimes.MapPost("/{id:guid}/amendments", AmendRegime.Handle).Command(Policies.Regulator);
        regimes.MapPost("/{id:guid}/suspension", SuspendRegime.Handle).Command(Policies.Regulator);
        regimes.MapPost("/{id:guid}/resumption", ResumeRegime.Handle).Command(Policies.Regulator);
        regimes.MapPost("/{id:guid}/termination", TerminateRegime.Handle).Command(Policies.Regulator);
        return app;
    }
}
