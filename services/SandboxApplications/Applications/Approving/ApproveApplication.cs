using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Regimes;

namespace SandboxRegistry.SandboxApplications.Applications.Approving;

/// <param name="ParticipationTerm">Defaults to the requested term; may be shorter, never longer.</param>
public sealed record ApproveApplicationRequest([property: FreeText] IReadOnlyList<string>? Conditions, Term? ParticipationTerm);

public sealed class ApproveApplicationValidator : AbstractValidator<ApproveApplicationRequest>
{
    public ApproveApplicationValidator()
    {
        RuleForEach(r => r.Conditions).Text();
        RuleFor(r => r.ParticipationTerm!).SetValidator(new TermValidator()).When(r => r.ParticipationTerm is not null);
    }
}

public static class ApproveApplication
{
    /// <summary>
    /// 258-FZ art. 11: inclusion in the register of subjects. Since 169-FZ a subject must hold liability insurance that
    /// meets the programme, so an application whose policy falls short cannot be approved, only rejected or corrected.
    /// </summary>
    public static (ApplicationApproved Approved, ParticipationGranted Granted) Decide(Application application, Regime regime,
        ApproveApplicationRequest request, Guid participationId, Actor by, DateTimeOffset now)
    {
        application.EnsureOpen();
        switch (application.Status)
        {
            case ApplicationStatus.Submitted:
                throw new DomainRuleViolation("review-not-started", "Assign a reviewer before deciding.");
            case ApplicationStatus.InformationRequested:
                throw new DomainRuleViolation("information-pending", "The applicant has not answered the request for information.");
        }
        if (regime.Status != RegimeStatus.Active)
            throw new DomainRuleViolation("regime-not-active", "The regime does not admit participants now.");

        var form = application.Form;
        var term = request.ParticipationTerm ?? form.RequestedTerm;
        if (!term.Within(form.RequestedTerm))
            throw new DomainRuleViolation("term-outside-request", "The participation term must lie within the requested term.");
        Submitting.ApplicationRules.EnsureInsideRegime(regime.Programme, term, form.Territory);
        InsuranceRules.Check(form.Insurance, regime.Programme.Insurance, (form.RequestedTerm.StartsOn, form.RequestedTerm.EndsOn));

        var conditions = request.Conditions?.Select(c => c.Trim()).ToList() ?? [];
        var register = form.ResponsiblePersons
            .Select(p => new ResponsiblePersonEntry(Guid.CreateVersion7(), p.FullName, p.Position, p.AreaOfResponsibility, p.Contact,
                term.StartsOn, null))
            .ToList();
        return (
            new ApplicationApproved(application.Id, participationId, regime.ProgrammeVersion, conditions, term, by, now),
            new ParticipationGranted(participationId, application.Id, regime.Id, regime.ProgrammeVersion, form.Company, form.Territory,
                term, conditions, form.Insurance, register, by, now));
    }

    public static async Task<Ok<ApplicationApprovedResponse>> Handle(Guid id, ApproveApplicationRequest request, IDocumentSession session,
        TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var participationId = Guid.CreateVersion7();
        var (_, changed) = await session.Decided<Application, ApplicationApproved>(id, http, async application =>
        {
            var regime = await session.Events.AggregateStreamAsync<Regime>(application.RegimeId, token: ct)
                ?? throw new ResourceNotFound("No such regime.");
            var (approved, granted) = Decide(application, regime, request, participationId, Actor.From(http.User), clock.GetUtcNow());
            // Both streams commit in one transaction: there is never an approval without its participation.
            session.Events.StartStream<Participation>(participationId, granted);
            return approved;
        }, ct);
        return TypedResults.Ok(new ApplicationApprovedResponse(id, changed.Version, participationId));
    }
}

public sealed record ApplicationApprovedResponse(Guid Id, long Version, Guid ParticipationId);
