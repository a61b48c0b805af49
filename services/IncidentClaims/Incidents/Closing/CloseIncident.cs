using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.IncidentClaims.Incidents.Closing;

public sealed record CloseIncidentRequest(IncidentOutcome? Outcome, [property: FreeText] string? Summary);

public sealed class CloseIncidentValidator : AbstractValidator<CloseIncidentRequest>
{
    public CloseIncidentValidator()
    {
        RuleFor(r => r.Outcome).NotNull().IsInEnum();
        RuleFor(r => r.Summary).MaximumLength(5_000);
    }
}

public static class CloseIncident
{
    public static IncidentClosed Decide(Incident incident, CloseIncidentRequest request, Actor by, DateTimeOffset now)
    {
        incident.NotClosed();
        if (incident.Status == IncidentStatus.Reported)
            throw new DomainRuleViolation("not-triaged", "An incident is triaged before it is closed.");
        if (incident.Status is IncidentStatus.CommissionConvened or IncidentStatus.ConclusionRecorded)
            throw new DomainRuleViolation("conclusion-not-signed", "The commission's conclusion must be signed before the incident closes.");
        if (incident.Claim is { Status: ClaimStatus.Open or ClaimStatus.Notified })
            throw new DomainRuleViolation("insurance-claim-unsettled", "The insurance claim must be paid or denied before the incident closes.");
        return new IncidentClosed(incident.Id, request.Outcome!.Value, request.Summary?.Trim(), by, now);
    }

    public static Task<Ok<Changed>> Handle(Guid id, CloseIncidentRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Incident>(id, http, i => Decide(i, request, Actor.From(http.User), clock.GetUtcNow()), ct);
}
