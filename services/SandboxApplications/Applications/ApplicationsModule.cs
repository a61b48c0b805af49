using JasperFx.Events.Projections;
using Marten;
using SandboxRegistry.SandboxApplications.Applications.Approving;
using SandboxRegistry.SandboxApplications.Applications.AssigningReviewer;
using SandboxRegistry.SandboxApplications.Applications.GettingDetails;
using SandboxRegistry.SandboxApplications.Applications.ProvidingInformation;
using SandboxRegistry.SandboxApplications.Applications.Rejecting;
using SandboxRegistry.SandboxApplications.Applications.RequestingInformation;
using SandboxRegistry.SandboxApplications.Applications.Submitting;
using SandboxRegistry.SandboxApplications.Applications.Withdrawing;

namespace SandboxRegistry.SandboxApplications.Applications;

public static class ApplicationsModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        options.Events.AddEventTypes([
            typeof(ApplicationSubmitted), typeof(ReviewerAssigned), typeof(InformationRequested), typeof(InformationProvided),
            typeof(ApplicationApproved), typeof(ApplicationRejected), typeof(ApplicationWithdrawn), typeof(ReviewDeadlineMissed),
        ]);
        options.Projections.Add<ApplicationDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<ApplicationDetails>().Index(a => a.CompanyOgrn).Index(a => a.RegimeId);
    }

    public static IEndpointRouteBuilder MapApplications(this IEndpointRouteBuilder app)
    {
        var applications = app.MapGroup("/api/v1/applications").WithTags("Applications");
        applications.MapSubmitApplication();
        applications.MapAssignReviewer();
        applications.MapRequestInformation();
        applications.MapProvideInformation();
        applications.MapApproveApplication();
        applications.MapRejectApplication();
        applications.MapWithdrawApplication();
        applications.MapApplicationReads();
        return app;
    }
}
