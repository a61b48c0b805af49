using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Participations.Expiring;
using SandboxRegistry.SandboxApplications.Participations.FollowingInsurance;
using SandboxRegistry.SandboxApplications.Participations.ReportingInsuranceEvents;
using SandboxRegistry.SandboxApplications.Regimes;
using static SandboxRegistry.SandboxApplications.Tests.Domain.Given;

namespace SandboxRegistry.SandboxApplications.Tests.Domain;

/// <summary>An insurer's reports on a participant's policy, and what they mean for the participation (169-FZ).</summary>
public class InsuranceEventTests
{
    private const string Inn = "7705042179";
    private static readonly Actor Insurer = new("client-ingosstrakh", "integration", null, "ingosstrakh");
    private static readonly InsuranceRequirements Required = Regime().Programme.Insurance; // 10 000 000 RUB, life + health, AI harm
    private static readonly DateOnly Today = new(2026, 6, 1);

    private static InsuranceEventRequest Report(InsuranceEventKind kind, DateOnly? effectiveOn = null, Money? sum = null,
        InsuredRisk[]? risks = null, bool? ai = null, RenewalRequest? renewal = null, string number = "POL-1") =>
        new(number, kind, effectiveOn, "Insurer's notice", sum, risks, ai, renewal);

    private static IReadOnlyList<object> Reported(Participation participation, InsuranceEventRequest request) =>
        InsuranceCover.WithConsequence(participation,
            [ReportInsuranceEvent.Decide(participation, Inn, request, Guid.NewGuid(), Today, Insurer, Now)], Today, Required, Now);

    /// <summary>A policy as text, so that lists compare by value (records compare their risk lists by reference).</summary>
    private static IEnumerable<string> Shown(params IEnumerable<InsurancePolicy> policies) => policies.Select(p =>
        $"{p.InsurerName} {p.InsurerInn} {p.PolicyNumber} {p.SumInsured.Amount} {p.SumInsured.Currency} " +
        $"[{string.Join(",", p.CoveredRisks)}] ai={p.CoversAiHarm} {p.ValidFrom:yyyy-MM-dd}..{p.ValidTo:yyyy-MM-dd}");

    private static Participation Fold(Participation participation, IEnumerable<object> events) => events.Aggregate(participation,
        (p, e) => e switch
        {
            InsuranceEventReported r => p.Apply(r),
            ParticipationSuspended s => p.Apply(s),
            ParticipationResumed r => p.Apply(r),
            _ => throw new InvalidOperationException(e.GetType().Name),
        });

    [Fact]
    public void A_cancellation_effective_today_ends_cover_yesterday_and_suspends_on_the_ground_insurance_lapsed()
    {
        var participation = Participation();

        var events = Reported(participation, Report(InsuranceEventKind.Cancelled, Today));

        var reported = Assert.IsType<InsuranceEventReported>(events[0]);
        Assert.Equal((InsuranceEventKind.Cancelled, Inn, "POL-1", Today), (reported.Kind, reported.InsurerInn, reported.PolicyNumber, reported.EffectiveOn));
        Assert.Equal(Shown(Policy(to: new DateOnly(2026, 5, 31))), Shown(reported.Policies));
        Assert.Equal(Insurer, reported.ReportedBy);
        var suspended = Assert.IsType<ParticipationSuspended>(events[1]);
        Assert.Equal(SuspensionGround.InsuranceLapsed, suspended.Ground);
        Assert.Equal("No insurance policy in force on 2026-06-01.", suspended.Reason);
        Assert.Equal(SystemActor.Instance, suspended.SuspendedBy);
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public void A_cancellation_effective_later_changes_nothing_today_and_the_check_suspends_on_that_day()
    {
        var participation = Fold(Participation(), Reported(Participation(), Report(InsuranceEventKind.Cancelled, new DateOnly(2026, 9, 1))));

        Assert.Equal(ParticipationStatus.Active, participation.Status);
        Assert.Empty(CheckParticipation.Decide(participation, new DateOnly(2026, 8, 31), Required, SystemActor.Instance, Now));
        var suspended = Assert.IsType<ParticipationSuspended>(Assert.Single(
            CheckParticipation.Decide(participation, new DateOnly(2026, 9, 1), Required, SystemActor.Instance, Now)));
        Assert.Equal(SuspensionGround.InsuranceLapsed, suspended.Ground);
    }

    [Fact]
    public void A_sum_insured_lowered_below_the_programme_from_a_date_splits_the_policy_and_suspends_from_that_date()
    {
        var events = Reported(Participation(), Report(InsuranceEventKind.SumInsuredChanged, new DateOnly(2026, 7, 1), new Money(5_000_000m, "RUB")));

        var reported = Assert.IsType<InsuranceEventReported>(Assert.Single(events));
        Assert.Equal(Shown(Policy(to: new DateOnly(2026, 6, 30)), Policy(sum: 5_000_000m, from: new DateOnly(2026, 7, 1))),
            Shown(reported.Policies));
        var participation = Fold(Participation(), events);
        var suspended = Assert.IsType<ParticipationSuspended>(Assert.Single(
            CheckParticipation.Decide(participation, new DateOnly(2026, 7, 1), Required, SystemActor.Instance, Now)));
        Assert.StartsWith("The policy in force on 2026-07-01 no longer meets the programme (insurance-below-minimum)", suspended.Reason);
    }

    [Fact]
    public void Risks_changed_today_without_a_required_risk_suspend_at_once()
    {
        var events = Reported(Participation(), Report(InsuranceEventKind.RisksChanged, Today, risks: [InsuredRisk.Property], ai: true));

        Assert.Equal(Shown(Policy(to: new DateOnly(2026, 5, 31)), Policy(risks: [InsuredRisk.Property], from: Today)),
            Shown(Assert.IsType<InsuranceEventReported>(events[0]).Policies));
        Assert.Contains("insurance-risks-missing", Assert.IsType<ParticipationSuspended>(events[1]).Reason);
    }

    [Fact]
    public void Non_renewal_is_recorded_without_changing_cover_and_the_day_after_the_end_suspends()
    {
        var participation = Participation(policy: Policy(to: new DateOnly(2026, 12, 31)));

        var events = Reported(participation, Report(InsuranceEventKind.NotRenewed));

        var reported = Assert.IsType<InsuranceEventReported>(Assert.Single(events));
        Assert.Equal(new DateOnly(2027, 1, 1), reported.EffectiveOn);
        Assert.Equal(participation.Policies, reported.Policies);
        var after = Fold(participation, events);
        Assert.Empty(CheckParticipation.Decide(after, new DateOnly(2026, 12, 31), Required, SystemActor.Instance, Now));
        Assert.IsType<ParticipationSuspended>(Assert.Single(CheckParticipation.Decide(after, new DateOnly(2027, 1, 1), Required,
            SystemActor.Instance, Now)));
    }

    [Fact]
    public void A_renewal_that_meets_the_programme_resumes_a_participation_suspended_for_its_insurance()
    {
        var lapsed = Fold(Participation(), Reported(Participation(), Report(InsuranceEventKind.Cancelled, Today)));
        Assert.True(lapsed.SuspendedForInsurance);

        var events = Reported(lapsed, Report(InsuranceEventKind.Renewed,
            renewal: new RenewalRequest("POL-2", new Money(12_000_000m, "RUB"), [InsuredRisk.Life, InsuredRisk.Health], true, Today,
                new DateOnly(2027, 5, 31))));

        var reported = Assert.IsType<InsuranceEventReported>(events[0]);
        Assert.Equal(Shown(new InsurancePolicy("Ingosstrakh", Inn, "POL-2", new Money(12_000_000m, "RUB"), [InsuredRisk.Life, InsuredRisk.Health],
            true, Today, new DateOnly(2027, 5, 31))), Shown(reported.Policies[^1]));
        var resumed = Assert.IsType<ParticipationResumed>(events[1]);
        Assert.Equal(SystemActor.Instance, resumed.ResumedBy);
        Assert.Equal(ParticipationStatus.Active, Fold(lapsed, events).Status);
    }

    [Fact]
    public void A_renewal_short_of_the_programme_is_recorded_but_resumes_nothing()
    {
        var lapsed = Fold(Participation(), Reported(Participation(), Report(InsuranceEventKind.Cancelled, Today)));

        var events = Reported(lapsed, Report(InsuranceEventKind.Renewed,
            renewal: new RenewalRequest(null, new Money(1_000_000m, "RUB"), [InsuredRisk.Life, InsuredRisk.Health], true, Today, new DateOnly(2027, 5, 31))));

        Assert.IsType<InsuranceEventReported>(Assert.Single(events));
    }

    [Fact]
    public void A_renewal_never_lifts_a_suspension_on_another_ground()
    {
        var byRegulator = Participation(ParticipationStatus.Suspended, ground: SuspensionGround.RegulatorDecision);

        var events = Reported(byRegulator, Report(InsuranceEventKind.Renewed,
            renewal: new RenewalRequest(null, new Money(12_000_000m, "RUB"), [InsuredRisk.Life, InsuredRisk.Health], true, Today, new DateOnly(2027, 5, 31))));

        Assert.IsType<InsuranceEventReported>(Assert.Single(events));
    }

    [Fact]
    public void Reports_on_another_insurers_policy_an_ended_participation_or_terms_after_the_policy_end_are_refused()
    {
        Assert.Throws<ResourceNotFound>(() => ReportInsuranceEvent.Decide(Participation(), "7736035485",
            Report(InsuranceEventKind.Cancelled, Today), Guid.NewGuid(), Today, Insurer, Now));
        Assert.Throws<ResourceNotFound>(() => ReportInsuranceEvent.Decide(Participation(), Inn,
            Report(InsuranceEventKind.Cancelled, Today, number: "POL-9"), Guid.NewGuid(), Today, Insurer, Now));
        Assert.Equal("participation-closed", Assert.Throws<DomainRuleViolation>(() => ReportInsuranceEvent.Decide(
            Participation(ParticipationStatus.Terminated), Inn, Report(InsuranceEventKind.Cancelled, Today), Guid.NewGuid(), Today, Insurer, Now)).Code);
        Assert.Equal("insurance-event-after-policy-end", Assert.Throws<DomainRuleViolation>(() => ReportInsuranceEvent.Decide(
            Participation(), Inn, Report(InsuranceEventKind.SumInsuredChanged, new DateOnly(2028, 1, 1), new Money(1m, "RUB")), Guid.NewGuid(),
            Today, Insurer, Now)).Code);
        Assert.Equal("insurance-already-expired", Assert.Throws<DomainRuleViolation>(() => ReportInsuranceEvent.Decide(Participation(), Inn,
            Report(InsuranceEventKind.Renewed, renewal: new RenewalRequest(null, new Money(12_000_000m, "RUB"), [InsuredRisk.Life], true,
                new DateOnly(2026, 1, 1), new DateOnly(2026, 5, 31))), Guid.NewGuid(), Today, Insurer, Now)).Code);
    }
}
