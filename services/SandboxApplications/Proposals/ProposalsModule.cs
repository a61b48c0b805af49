using JasperFx.Events.Projections;
using Marten;
using SandboxRegistry.SandboxApplications.Proposals.Commenting;
using SandboxRegistry.SandboxApplications.Proposals.Consulting;
using SandboxRegistry.SandboxApplications.Proposals.Deciding;
using SandboxRegistry.SandboxApplications.Proposals.GettingDetails;
using SandboxRegistry.SandboxApplications.Proposals.Registering;
using SandboxRegistry.SandboxApplications.Proposals.Submitting;

namespace SandboxRegistry.SandboxApplications.Proposals;

/// <summary>Initiative proposals for new regimes (258-FZ art. 6 as amended by 169-FZ) and their public discussion.</summary>
public static class ProposalsModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        options.Events.AddEventTypes([
            typeof(ProposalSubmitted), typeof(ProposalResubmitted), typeof(ProposalRegistered), typeof(ProposalReturned), typeof(OpinionRecorded),
            typeof(ConsultationClosed), typeof(ProposalDeadlineMissed), typeof(ProposalApproved), typeof(ProposalRefused),
            typeof(PublicCommentPosted), typeof(PublicCommentHidden),
        ]);
        options.Projections.Add<ProposalDetailsProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<CommentDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<ProposalDetails>().Index(p => p.CompanyOgrn).Index(p => p.NextCheckOn);
        options.Schema.For<CommentDetails>().Index(c => c.ProposalId);
    }

    public static IEndpointRouteBuilder MapProposals(this IEndpointRouteBuilder app)
    {
        var proposals = app.MapApi("/api/v1/proposals", "Proposals");
        proposals.MapPost("/", SubmitProposal.Handle).Creation(Policies.Applicant);
        proposals.MapGet("/", GetProposalDetails.List).List(Access.Readers);
        proposals.MapGet("/{id:guid}", GetProposalDetails.Get).Read(Access.Readers);
        proposals.MapGet("/{id:guid}/history", GetProposalDetails.History).List(Access.Readers).ProducesProblem(StatusCodes.Status404NotFound);
        proposals.MapPost("/{id:guid}/resubmission", SubmitProposal.HandleResubmission).Command(Policies.Applicant);
        proposals.MapPost("/{id:guid}/registration", RegisterProposal.Handle).Command(Policies.Regulator);
        proposals.MapPost("/{id:guid}/return", RegisterProposal.HandleReturn).Command(Policies.Regulator);
        proposals.MapPost("/{id:guid}/opinions", RecordOpinion.Handle).Command(Policies.Regulator);
        proposals.MapPost("/{id:guid}/approval", DecideProposal.HandleApproval).Command(Policies.Regulator);
        proposals.MapPost("/{id:guid}/refusal", DecideProposal.HandleRefusal).Command(Policies.Regulator);
        proposals.MapPost("/{id:guid}/rework", DecideProposal.HandleRework).Command(Policies.Regulator);
        proposals.MapGet("/{id:guid}/comments", PublicComments.ListAll).List(Policies.RegulatorOrAuditor).ProducesProblem(StatusCodes.Status404NotFound);
        proposals.MapPost("/{id:guid}/comments/{commentId:guid}/hiding", PublicComments.HandleHide).Command(Policies.Regulator);

        var register = app.MapApi("/api/v1/register/proposals", "Register");
        register.MapGet("/", PublicProposals.List).PublicList();
        register.MapGet("/{id:guid}", PublicProposals.Get).PublicRead();
        register.MapGet("/{id:guid}/comments", PublicComments.ListPublic).PublicList().ProducesProblem(StatusCodes.Status404NotFound);
        register.MapPost("/{id:guid}/comments", PublicComments.HandlePost).AllowAnonymous().RequireRateLimiting(RateLimits.Intake)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }
}
