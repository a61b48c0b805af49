using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.SandboxApplications.Regimes.Amending;
using SandboxRegistry.SandboxApplications.Regimes.Expiring;
using SandboxRegistry.SandboxApplications.Regimes.Resuming;
using SandboxRegistry.SandboxApplications.Regimes.Suspending;
using SandboxRegistry.SandboxApplications.Regimes.Terminating;
using static SandboxRegistry.SandboxApplications.Tests.Domain.Given;

namespace SandboxRegistry.SandboxApplications.Tests.Domain;

public class RegimeLifecycleTests
{
    [Theory]
    [InlineData(RegimeStatus.Active)]
    [InlineData(RegimeStatus.Suspended)]
    public void Amending_an_open_regime_adds_the_next_programme_version(RegimeStatus status)
    {
        var regime = Regime(status);

        var e = AmendRegime.Decide(regime, new AmendRegimeRequest("Commission advice", ProgrammeRequest() with { Title = "Taxis v2" }),
            Russia, Regulator, Now);

        Assert.Equal(2, e.ProgrammeVersion);
        Assert.Equal("Taxis v2", e.Programme.Title);
        Assert.Equal("Commission advice", e.Reason);
        var after = regime.Apply(e);
        Assert.Equal(2, after.ProgrammeVersion);
        Assert.Equal(status, after.Status);
    }

    [Theory]
    [InlineData(RegimeStatus.Terminated)]
    [InlineData(RegimeStatus.Expired)]
    public void An_ended_regime_is_not_amended(RegimeStatus status) =>
        Assert.Equal("regime-closed", Assert.Throws<DomainRuleViolation>(() =>
            AmendRegime.Decide(Regime(status), new AmendRegimeRequest("x", ProgrammeRequest()), Russia, Regulator, Now)).Code);

    [Fact]
    public void An_amendment_is_held_to_the_maximum_term() =>
        Assert.Equal("regime-term-too-long", Assert.Throws<DomainRuleViolation>(() => AmendRegime.Decide(Regime(),
            new AmendRegimeRequest("x", ProgrammeRequest(new(2026, 1, 1), new(2030, 1, 1))), Russia, Regulator, Now)).Code);

    [Fact]
    public void An_amendment_that_moves_the_start_later_still_counts_the_maximum_from_the_first_start()
    {
        // Established 2026-01-01 .. 2028-12-31; 36 months end on 2029-01-01 whatever the amended start.
        var moved = ProgrammeRequest(new(2027, 1, 1), new(2029, 6, 30));

        var refused = Assert.Throws<DomainRuleViolation>(() => AmendRegime.Decide(Regime(), new AmendRegimeRequest("x", moved), Russia,
            Regulator, Now));

        Assert.Equal("regime-term-too-long", refused.Code);
        Assert.Contains("counted from 2026-01-01", refused.Message);
    }

    [Fact]
    public void Under_the_2026_bill_option_of_60_months_the_same_amendment_passes_and_the_anchor_stays()
    {
        var sixty = new JurisdictionProfile { MaxRegimeTermMonths = JurisdictionProfile.MaxRegimeTermMonthsUnder2026Bill };
        var regime = Regime();

        var e = AmendRegime.Decide(regime, new AmendRegimeRequest("x", ProgrammeRequest(new(2027, 1, 1), new(2030, 12, 31))), sixty,
            Regulator, Now);

        Assert.Equal(new DateOnly(2030, 12, 31), e.Programme.EndsOn);
        Assert.Equal(new DateOnly(2026, 1, 1), regime.Apply(e).TermAnchor);
        Assert.Equal("regime-term-too-long", Assert.Throws<DomainRuleViolation>(() => AmendRegime.Decide(regime.Apply(e),
            new AmendRegimeRequest("y", ProgrammeRequest(new(2027, 1, 1), new(2031, 1, 2))), sixty, Regulator, Now)).Code);
    }

    [Fact]
    public void An_active_regime_is_suspended_and_resumed()
    {
        var regime = Regime();

        var suspended = regime.Apply(SuspendRegime.Decide(regime, " Audit ", Regulator, Now));
        Assert.Equal(RegimeStatus.Suspended, suspended.Status);

        var resumed = suspended.Apply(ResumeRegime.Decide(suspended, Regulator, Now));
        Assert.Equal(RegimeStatus.Active, resumed.Status);
    }

    [Theory]
    [InlineData(RegimeStatus.Suspended, "regime-already-suspended")]
    [InlineData(RegimeStatus.Terminated, "regime-closed")]
    [InlineData(RegimeStatus.Expired, "regime-closed")]
    public void Suspension_is_refused_unless_active(RegimeStatus status, string code) =>
        Assert.Equal(code, Assert.Throws<DomainRuleViolation>(() => SuspendRegime.Decide(Regime(status), "x", Regulator, Now)).Code);

    [Theory]
    [InlineData(RegimeStatus.Active, "regime-not-suspended")]
    [InlineData(RegimeStatus.Terminated, "regime-closed")]
    [InlineData(RegimeStatus.Expired, "regime-closed")]
    public void Resumption_is_refused_unless_suspended(RegimeStatus status, string code) =>
        Assert.Equal(code, Assert.Throws<DomainRuleViolation>(() => ResumeRegime.Decide(Regime(status), Regulator, Now)).Code);

    [Theory]
    [InlineData(RegimeStatus.Active)]
    [InlineData(RegimeStatus.Suspended)]
    public void An_open_regime_is_terminated(RegimeStatus status)
    {
        var e = TerminateRegime.Decide(Regime(status), "Programme failed", Regulator, Now);

        Assert.Equal("Programme failed", e.Reason);
        Assert.Equal(RegimeStatus.Terminated, Regime(status).Apply(e).Status);
    }

    [Theory]
    [InlineData(RegimeStatus.Terminated)]
    [InlineData(RegimeStatus.Expired)]
    public void An_ended_regime_is_not_terminated(RegimeStatus status) =>
        Assert.Equal("regime-closed", Assert.Throws<DomainRuleViolation>(() => TerminateRegime.Decide(Regime(status), "x", Regulator, Now)).Code);

    [Fact]
    public void A_regime_expires_the_day_after_its_term_and_only_once()
    {
        var regime = Regime();
        var end = regime.Programme.EndsOn;

        Assert.Empty(ExpireRegime.Decide(regime, end, Now));
        var e = Assert.IsType<RegimeExpired>(Assert.Single(ExpireRegime.Decide(regime, end.AddDays(1), Now)));
        Assert.Equal(end, e.EndedOn);
        Assert.Empty(ExpireRegime.Decide(regime.Apply(e), end.AddDays(2), Now));
    }
}
