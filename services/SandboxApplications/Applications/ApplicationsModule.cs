using SandboxRegistry.SandboxApplications.ErasingContacts;
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
        var applications = app.MapApi("/api/v1/applications", "Applications");
        applications.MapPost("/", SubmitApplication.Handle).Creation(Policies.Applicant)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        applications.MapGet("/", GetApplicationDetails.List).List(Access.Readers).Produces<ListPage<ApplicationDetails>>();
        applications.MapGet("/{id:guid}", GetApplicationDetails.Get).Read(Access.Readers).Produces<ApplicationDetails>();
        applications.MapGet("/{id:guid}/history", GetApplicationDetails.History).List(Access.Readers);
        applications.MapPost("/{id:guid}/reviewer", AssignReviewer.Handle).Command(Policies.Regulator);
        applications.MapPost("/{id:guid}/information-requests", RequestInformation.Handle).Command(Policies.Regulator);
        applications.MapPost("/{id:guid}/information", ProvideInformation.Handle).Command(Policies.Applicant);
        applications.MapPost("/{id:guid}/approval", ApproveApplication.Handle).Command(Policies.Regulator);
        applications.MapPost("/{id:guid}/rejection", RejectApplication.Handle).Command(Policies.Regulator);
        applications.MapPost("/{id:guid}/withdrawal", WithdrawApplication.Handle).Command(Policies.Applicant);
        applications.MapPost("/{id:guid}/responsible-persons/{keyId:guid}/erasure", EraseContacts.FromApplication).Command(Policies.Regulator);
        return app;
    }
}
