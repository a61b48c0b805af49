using SandboxRegistry.Contracts;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.IncidentClaims.Incidents.Claiming;
using SandboxRegistry.IncidentClaims.Incidents.Closing;
using SandboxRegistry.IncidentClaims.Incidents.Concluding;
using SandboxRegistry.IncidentClaims.Incidents.Triaging;
using static SandboxRegistry.IncidentClaims.Tests.Domain.Given;

namespace SandboxRegistry.IncidentClaims.Tests.Domain;

public class ClaimAndCloseTests
{
    private static readonly Guid ClaimId = Guid.NewGuid();

    private static Incident Signed(bool withPolicy = true)
    {
        var (state, _) = UpToConclusion(withPolicy);
        return Incident.When(state, Conclusions.Sign(state, Regulator, Now))!;
    }

    private static Incident Then(Incident state, object e) => Incident.When(state, e)!;

    [Fact]
    public void A_claim_opens_against_the_policy_triage_resolved()
    {
        var incident = Signed();

        var e = InsuranceClaims.Open(incident, ClaimId, new OpenClaimRequest(new Money(60_000m, "RUB")), Regulator, Now);

        Assert.Equal(new InsuranceClaimOpened(incident.Id, ClaimId, incident.Resolution!.InsurancePolicy!, new Money(60_000m, "RUB"), Regulator, Now), e);
        Assert.Equal(new InsuranceClaim(ClaimId, ClaimStatus.Open, incident.Resolution.InsurancePolicy!), Then(incident, e).Claim);
    }

    [Fact]
    public void No_claim_without_a_link_a_policy_or_twice()
    {
        var reported = State(Reported());
        var uninsured = Signed(withPolicy: false);
        var claimed = Then(Signed(), InsuranceClaims.Open(Signed(), ClaimId, new OpenClaimRequest(null), Regulator, Now));

        Assert.Equal("incident-not-linked", Assert.Throws<DomainRuleViolation>(() =>
            InsuranceClaims.Open(reported, ClaimId, new OpenClaimRequest(null), Regulator, Now)).Code);
        Assert.Equal("no-insurance-policy", Assert.Throws<DomainRuleViolation>(() =>
            InsuranceClaims.Open(uninsured, ClaimId, new OpenClaimRequest(null), Regulator, Now)).Code);
        Assert.Equal("claim-already-open", Assert.Throws<DomainRuleViolation>(() =>
            InsuranceClaims.Open(claimed, ClaimId, new OpenClaimRequest(null), Regulator, Now)).Code);
    }

    [Fact]
    public void The_insurer_is_notified_then_pays()
    {
        var open = Then(Signed(), InsuranceClaims.Open(Signed(), ClaimId, new OpenClaimRequest(null), Regulator, Now));

        var notified = InsuranceClaims.Notify(open, Regulator, Now);
        var afterNotice = Then(open, notified);
        var paid = InsuranceClaims.Pay(afterNotice, new Money(50_000m, "RUB"), Regulator, Now);

        Assert.Equal(new InsurerNotified(open.Id, open.Claim!.ClaimId, Regulator, Now), notified);
        Assert.Equal(new InsuranceClaimPaid(open.Id, open.Claim.ClaimId, new Money(50_000m, "RUB"), Regulator, Now), paid);
        Assert.Equal(ClaimStatus.Paid, Then(afterNotice, paid).Claim!.Status);
    }

    [Fact]
    public void Or_denies_with_a_reason()
    {
        var open = Then(Signed(), InsuranceClaims.Open(Signed(), ClaimId, new OpenClaimRequest(null), Regulator, Now));
        var notified = Then(open, InsuranceClaims.Notify(open, Regulator, Now));

        var denied = InsuranceClaims.Deny(notified, " excluded risk ", Regulator, Now);

        Assert.Equal("excluded risk", denied.Reason);
        Assert.Equal(ClaimStatus.Denied, Then(notified, denied).Claim!.Status);
    }

    [Fact]
    public void Settling_needs_a_notified_claim_and_happens_once()
    {
        var signed = Signed();
        var open = Then(signed, InsuranceClaims.Open(signed, ClaimId, new OpenClaimRequest(null), Regulator, Now));
        var notified = Then(open, InsuranceClaims.Notify(open, Regulator, Now));
        var paid = Then(notified, InsuranceClaims.Pay(notified, new Money(1m, "RUB"), Regulator, Now));

        Assert.Equal("no-claim", Assert.Throws<DomainRuleViolation>(() => InsuranceClaims.Notify(signed, Regulator, Now)).Code);
        Assert.Equal("insurer-not-notified", Assert.Throws<DomainRuleViolation>(() =>
            InsuranceClaims.Pay(open, new Money(1m, "RUB"), Regulator, Now)).Code);
        Assert.Equal("insurer-not-notified", Assert.Throws<DomainRuleViolation>(() => InsuranceClaims.Deny(open, "x", Regulator, Now)).Code);
        Assert.Equal("claim-not-open", Assert.Throws<DomainRuleViolation>(() => InsuranceClaims.Notify(notified, Regulator, Now)).Code);
        Assert.Equal("claim-settled", Assert.Throws<DomainRuleViolation>(() => InsuranceClaims.Deny(paid, "x", Regulator, Now)).Code);
    }

    [Fact]
    public void Closing_records_the_outcome()
    {
        var signed = Signed();

        var e = CloseIncident.Decide(signed, new CloseIncidentRequest(IncidentOutcome.LiabilityEstablished, " paid by insurer "), Regulator, Now);

        Assert.Equal(new IncidentClosed(signed.Id, IncidentOutcome.LiabilityEstablished, "paid by insurer", Regulator, Now), e);
        var closed = Then(signed, e);
        Assert.Equal(IncidentStatus.Closed, closed.Status);
        Assert.Equal(IncidentOutcome.LiabilityEstablished, closed.Outcome);
    }

    [Fact]
    public void A_not_ai_related_report_closes_straight_after_triage()
    {
        var reported = State(Reported());
        var dismissed = Then(reported, Triage.NotAiRelated(reported, "human error", Regulator, Now));

        var e = CloseIncident.Decide(dismissed, new CloseIncidentRequest(IncidentOutcome.NotAiRelated, null), Regulator, Now);

        Assert.Equal(IncidentOutcome.NotAiRelated, e.Outcome);
    }

    [Fact]
    public void Closing_waits_for_triage_the_signature_and_the_insurer()
    {
        var reported = State(Reported());
        var (concluding, _) = UpToConclusion();
        var signed = Signed();
        var open = Then(signed, InsuranceClaims.Open(signed, ClaimId, new OpenClaimRequest(null), Regulator, Now));
        var closed = Then(signed, CloseIncident.Decide(signed, new CloseIncidentRequest(IncidentOutcome.Withdrawn, null), Regulator, Now));
        var request = new CloseIncidentRequest(IncidentOutcome.LiabilityEstablished, null);

        Assert.Equal("not-triaged", Assert.Throws<DomainRuleViolation>(() => CloseIncident.Decide(reported, request, Regulator, Now)).Code);
        Assert.Equal("conclusion-not-signed", Assert.Throws<DomainRuleViolation>(() => CloseIncident.Decide(concluding, request, Regulator, Now)).Code);
        Assert.Equal("insurance-claim-unsettled", Assert.Throws<DomainRuleViolation>(() => CloseIncident.Decide(open, request, Regulator, Now)).Code);
        Assert.Equal("incident-closed", Assert.Throws<DomainRuleViolation>(() => CloseIncident.Decide(closed, request, Regulator, Now)).Code);
    }

    [Fact]
    public void Nothing_changes_a_closed_incident()
    {
        var signed = Signed();
        var closed = Then(signed, CloseIncident.Decide(signed, new CloseIncidentRequest(IncidentOutcome.Withdrawn, null), Regulator, Now));

        Assert.Equal("incident-closed", Assert.Throws<DomainRuleViolation>(() =>
            InsuranceClaims.Open(closed, ClaimId, new OpenClaimRequest(null), Regulator, Now)).Code);
        Assert.Equal("incident-closed", Assert.Throws<DomainRuleViolation>(() => Triage.NotAiRelated(closed, "x", Regulator, Now)).Code);
        Assert.Equal("incident-closed", Assert.Throws<DomainRuleViolation>(() => Conclusions.Sign(closed, Regulator, Now)).Code);
    }
}
