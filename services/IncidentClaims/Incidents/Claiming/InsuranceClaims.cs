using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.Contracts;

namespace SandboxRegistry.IncidentClaims.Incidents.Claiming;

public sealed record OpenClaimRequest(Money? Claimed);

public sealed record PayClaimRequest(Money Amount);

public sealed record DenyClaimRequest([property: FreeText] string Reason);

public sealed class OpenClaimValidator : AbstractValidator<OpenClaimRequest>
{
    public OpenClaimValidator()
    {
        RuleFor(r => r.Claimed!.Amount).GreaterThan(0).When(r => r.Claimed is not null);
        RuleFor(r => r.Claimed!.Currency).Currency().When(r => r.Claimed is not null);
    }
}

public sealed class PayClaimValidator : AbstractValidator<PayClaimRequest>
{
    public PayClaimValidator()
    {
        RuleFor(r => r.Amount).NotNull();
        RuleFor(r => r.Amount.Amount).GreaterThan(0).When(r => r.Amount is not null);
        RuleFor(r => r.Amount.Currency).Currency().When(r => r.Amount is not null);
    }
}

public sealed class DenyClaimValidator : AbstractValidator<DenyClaimRequest>
{
    public DenyClaimValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2_000);
}

/// <summary>The victim's claim under the participant's mandatory liability policy (258-FZ as amended by 169-FZ).</summary>
public static class InsuranceClaims
{
    public static InsuranceClaimOpened Open(Incident incident, Guid claimId, OpenClaimRequest request, Actor by, DateTimeOffset now)
    {
        incident.NotClosed();
        if (incident.Resolution is null)
            throw new DomainRuleViolation("incident-not-linked", "A claim is opened once the incident is linked to an AI system.");
        if (incident.Resolution.InsurancePolicy is not { } policy)
            throw new DomainRuleViolation("no-insurance-policy", "Triage found no insurance policy valid when the incident occurred.");
        if (incident.Claim is not null)
            throw new DomainRuleViolation("claim-already-open", "This incident already has an insurance claim.");
        return new InsuranceClaimOpened(incident.Id, claimId, policy, request.Claimed, by, now);
    }

    public static InsurerNotified Notify(Incident incident, Actor by, DateTimeOffset now)
    {
        incident.NotClosed();
        var claim = Claim(incident, ClaimStatus.Open, "claim-not-open", "The insurer is notified of an open claim.");
        return new InsurerNotified(incident.Id, claim.ClaimId, by, now);
    }

    public static InsuranceClaimPaid Pay(Incident incident, Money amount, Actor by, DateTimeOffset now)
    {
        incident.NotClosed();
        var claim = Claim(incident, ClaimStatus.Notified, "insurer-not-notified", "A claim is settled after the insurer was notified.");
        // The insurer pays under the policy: never in another currency, never above the sum insured.
        if (amount.Currency != claim.Policy.SumInsured.Currency)
            throw new DomainRuleViolation("payment-currency-differs", $"The policy insures in {claim.Policy.SumInsured.Currency}.");
        if (amount.Amount > claim.Policy.SumInsured.Amount)
            throw new DomainRuleViolation("payment-above-sum-insured",
                $"The payment exceeds the sum insured ({claim.Policy.SumInsured.Amount} {claim.Policy.SumInsured.Currency}).");
        return new InsuranceClaimPaid(incident.Id, claim.ClaimId, amount, by, now);
    }

    public static InsuranceClaimDenied Deny(Incident incident, string reason, Actor by, DateTimeOffset now)
    {
        incident.NotClosed();
        var claim = Claim(incident, ClaimStatus.Notified, "insurer-not-notified", "A claim is settled after the insurer was notified.");
        return new InsuranceClaimDenied(incident.Id, claim.ClaimId, reason.Trim(), by, now);
    }

    private static InsuranceClaim Claim(Incident incident, ClaimStatus expected, string code, string message)
    {
        if (incident.Claim is null) throw new DomainRuleViolation("no-claim", "This incident has no insurance claim.");
        if (incident.Claim.Status is ClaimStatus.Paid or ClaimStatus.Denied)
            throw new DomainRuleViolation("claim-settled", "The claim is already settled.");
        return incident.Claim.Status == expected ? incident.Claim : throw new DomainRuleViolation(code, message);
    }

    public static Task<Ok<Changed>> OpenClaim(Guid id, OpenClaimRequest? request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Incident>(id, http,
            i => Open(i, Guid.CreateVersion7(), request ?? new OpenClaimRequest(null), Actor.From(http.User), clock.GetUtcNow()), ct);

    public static Task<Ok<Changed>> NotifyInsurer(Guid id, IDocumentSession session, TimeProvider clock, HttpContext http,
        CancellationToken ct) =>
        session.Decide<Incident>(id, http, i => Notify(i, Actor.From(http.User), clock.GetUtcNow()), ct);

    public static Task<Ok<Changed>> RecordPayment(Guid id, PayClaimRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Incident>(id, http, i => Pay(i, request.Amount, Actor.From(http.User), clock.GetUtcNow()), ct);

    public static Task<Ok<Changed>> RecordDenial(Guid id, DenyClaimRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Incident>(id, http, i => Deny(i, request.Reason, Actor.From(http.User), clock.GetUtcNow()), ct);
}
