using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.IncidentClaims.Incidents.Closing;

public sealed record CloseIncidentRequest(IncidentOutcome? Outcome, string? Summary);

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

    public static void MapCloseIncident(this RouteGroupBuilder incidents) =>
        incidents.MapPost("/{id:guid}/close", (Guid id, CloseIncidentRequest request, IDocumentSession session, TimeProvider clock,
                ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
                IncidentStreams.Append(id, http, session, i => Decide(i, request, Actor.From(user), clock.GetUtcNow()), ct))
            .RequireAuthorization(Policies.Regulator).WithValidation().WithName("CloseIncident")
            .Produces<IncidentChanged>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
}
