using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.SandboxApplications.Regimes.Establishing;
using static SandboxRegistry.SandboxApplications.Tests.Domain.Given;

namespace SandboxRegistry.SandboxApplications.Tests.Domain;

public class EstablishRegimeTests
{
    [Fact]
    public void Establishing_records_the_first_programme_with_who_and_when()
    {
        var id = Guid.NewGuid();

        var e = EstablishRegime.Decide(id, ProgrammeRequest(new(2026, 4, 1), new(2029, 3, 31)), Russia, Regulator, Now);

        Assert.Equal(id, e.RegimeId);
        Assert.Equal("Unmanned taxis", e.Programme.Title);
        Assert.Equal(["77", "50"], e.Programme.Territory);
        Assert.Equal(new LegalBasis("Government Decree No. 1234", new DateOnly(2025, 12, 1)), e.Programme.LegalBasis);
        Assert.Equal(["Traffic rules 2.1"], e.Programme.DisappliedNorms);
        Assert.Equal(["Licensed carrier"], e.Programme.SubjectRequirements);
        Assert.Equal(new Money(10_000_000m, "RUB"), e.Programme.Insurance.MinimumSumInsured);
        Assert.Equal([InsuredRisk.Life, InsuredRisk.Health], e.Programme.Insurance.RequiredRisks);
        Assert.True(e.Programme.Insurance.AiHarmCoverRequired);
        Assert.Equal(Regulator, e.EstablishedBy);
        Assert.Equal(Now, e.EstablishedAt);
    }

    [Fact]
    public void A_term_of_exactly_the_maximum_is_allowed() =>
        EstablishRegime.Decide(Guid.NewGuid(), ProgrammeRequest(new(2026, 4, 1), new(2029, 4, 1)), Russia, Regulator, Now);

    [Fact]
    public void A_term_longer_than_the_jurisdiction_allows_is_refused()
    {
        var refused = Assert.Throws<DomainRuleViolation>(() =>
            EstablishRegime.Decide(Guid.NewGuid(), ProgrammeRequest(new(2026, 4, 1), new(2029, 4, 2)), Russia, Regulator, Now));

        Assert.Equal("regime-term-too-long", refused.Code);
    }

    [Fact]
    public void The_maximum_term_is_configuration()
    {
        var sixtyMonths = new JurisdictionProfile { MaxRegimeTermMonths = 60 };

        var e = EstablishRegime.Decide(Guid.NewGuid(), ProgrammeRequest(new(2026, 4, 1), new(2031, 3, 31)), sixtyMonths, Regulator, Now);

        Assert.Equal(new DateOnly(2031, 3, 31), e.Programme.EndsOn);
    }

    [Fact]
    public void The_state_after_establishing_is_an_active_regime_on_programme_version_1()
    {
        var e = EstablishRegime.Decide(Guid.NewGuid(), ProgrammeRequest(new(2026, 4, 1), new(2027, 4, 1)), Russia, Regulator, Now);

        Assert.Equal(new Regimes.Regime(e.RegimeId, RegimeStatus.Active, 1, e.Programme) { TermAnchor = new(2026, 4, 1) }, Regimes.Regime.Create(e));
    }
}
