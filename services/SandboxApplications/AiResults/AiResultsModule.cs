using JasperFx.Events.Projections;
using Marten;
using SandboxRegistry.SandboxApplications.AiResults.GettingDetails;
using SandboxRegistry.SandboxApplications.AiResults.Keeping;

namespace SandboxRegistry.SandboxApplications.AiResults;

/// <summary>The register of results of intellectual activity created with AI that a participant keeps (169-FZ).</summary>
public static class AiResultsModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        options.Events.AddEventTypes([typeof(AiResultRegistered), typeof(AiResultCorrected), typeof(AiResultWithdrawn)]);
        options.Projections.Add<AiResultDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<AiResultDetails>().Index(e => e.CompanyOgrn).Index(e => e.RegimeId).Index(e => e.ParticipationId);
    }

    public static IEndpointRouteBuilder MapAiResults(this IEndpointRouteBuilder app)
    {
        var participations = app.MapApi("/api/v1/participations", "Results created with AI");
        participations.MapPost("/{id:guid}/ai-results", KeepAiResults.HandleRegister).Creation(Policies.Applicant)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var entries = app.MapApi("/api/v1/ai-results", "Results created with AI");
        entries.MapGet("/", GetAiResultDetails.List).List(Access.Readers);
        entries.MapGet("/{id:guid}", GetAiResultDetails.Get).Read(Access.Readers).Produces<AiResultDetails>();
        entries.MapGet("/{id:guid}/history", GetAiResultDetails.History).List(Access.Readers);
        entries.MapPost("/{id:guid}/corrections", KeepAiResults.HandleCorrection).Command(Policies.Applicant);
        entries.MapPost("/{id:guid}/withdrawal", KeepAiResults.HandleWithdrawal).Command(Policies.Applicant);

        var register = app.MapApi("/api/v1/register/ai-results", "Register");
        register.MapGet("/", GetAiResultDetails.Register).PublicList();
        register.MapGet("/{id:guid}", GetAiResultDetails.PublicEntry).PublicRead();
        return app;
    }
}
