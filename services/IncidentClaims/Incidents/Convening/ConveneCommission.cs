using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.Extensions.Options;

namespace SandboxRegistry.IncidentClaims.Incidents.Convening;

public sealed record ConveneCommissionRequest(CommissionMember Chair, IReadOnlyList<CommissionMember> Members, DateOnly? MeetingDate);

public sealed class ConveneCommissionValidator : AbstractValidator<ConveneCommissionRequest>
{
    public ConveneCommissionValidator()
    {
        RuleFor(r => r.Chair).NotNull();
        RuleFor(r => r.Chair.FullName).NotEmpty().MaximumLength(300).When(r => r.Chair is not null);
        RuleFor(r => r.Chair.Position).NotEmpty().MaximumLength(300).When(r => r.Chair is not null);
        RuleFor(r => r.Members).NotEmpty();
        RuleForEach(r => r.Members).ChildRules(m =>
        {
            m.RuleFor(x => x.FullName).NotEmpty().MaximumLength(300);
            m.RuleFor(x => x.Position).NotEmpty().MaximumLength(300);
        });
        RuleFor(r => r.MeetingDate).NotNull();
    }
}

public static class ConveneCommission
{
    /// <summary>258-FZ art. 18 as amended by 169-FZ: harm caused by an AI solution in a regime is examined by a commission.</summary>
    public static CommissionConvened Decide(Incident incident, ConveneCommissionRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        incident.NotClosed();
        if (incident.Status != IncidentStatus.Linked)
            throw new DomainRuleViolation(incident.Status is IncidentStatus.Reported or IncidentStatus.NotAiRelated or IncidentStatus.Duplicate
                    ? "incident-not-linked" : "commission-already-convened",
                incident.Status is IncidentStatus.Reported or IncidentStatus.NotAiRelated or IncidentStatus.Duplicate
                    ? "A commission examines an incident linked to an AI system."
                    : "The commission for this incident was already convened.");
        var meeting = request.MeetingDate!.Value;
        // "Today" where the harm happened: the commission sits for that place.
        if (meeting < profile.LocalDate(now, incident.RegionCode))
            throw new DomainRuleViolation("meeting-date-in-the-past", "The meeting date must be today or later (the local date at the place of the harm).");
        if (request.Members.Any(m => m.FullName.Trim() == request.Chair.FullName.Trim()))
            throw new DomainRuleViolation("chair-listed-as-member", "The chair is not listed again among the members.");
        var dueBy = Clocks.ConclusionDueBy(meeting, profile);
        return new CommissionConvened(incident.Id, request.Chair, request.Members, meeting, dueBy, by, now,
            profile.EndOfDay(dueBy, incident.RegionCode));
    }

    public static Task<Ok<Changed>> Handle(Guid id, ConveneCommissionRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        session.Decide<Incident>(id, http, i => Decide(i, request, profile.Value, Actor.From(http.User), clock.GetUtcNow()), ct);
}
