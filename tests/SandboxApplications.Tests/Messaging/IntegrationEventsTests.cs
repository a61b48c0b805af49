using JasperFx.Events;
using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications.Applications.Approving;
using SandboxRegistry.SandboxApplications.Messaging;
using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.SandboxApplications.Regimes.Establishing;
using static SandboxRegistry.SandboxApplications.Tests.Domain.Given;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.SandboxApplications.Tests.Messaging;

public class IntegrationEventsTests
{
    private static IEvent Stored<T>(T data, long version = 1, long sequence = 42) where T : notnull =>
        new Event<T>(data) { Id = Guid.NewGuid(), StreamId = Guid.NewGuid(), Version = version, Sequence = sequence };

    private static object? Map(IEvent stored) =>
        new IntegrationEvents().ToContract(stored, OutboxForwarder.Cite(stored, ServiceNames.SandboxApplications));

    [Fact]
    public void Regime_established_is_published_with_legal_basis_and_insurance_requirements()
    {
        var established = EstablishRegime.Decide(Guid.NewGuid(), ProgrammeRequest() with { Direction = Direction.UnmannedAircraft },
            Russia, Regulator, Now);
        var stored = Stored(established);

        var message = Assert.IsType<Published.RegimeEstablished>(Map(stored));

        Assert.Equal(new SourceCitation("sandbox-applications", stored.StreamId, 1, stored.Id, 42), message.Source);
        Assert.Equal(established.RegimeId, message.RegimeId);
        Assert.Equal("unmannedAircraft", message.Direction);
        Assert.Equal("Government Decree No. 1234 of 2025-12-01", message.LegalBasis);
        Assert.Equal(["77", "50"], message.Territory);
        Assert.Equal(new Money(10_000_000m, "RUB"), message.Insurance.MinimumSumInsured);
        Assert.Equal(["life", "health"], message.Insurance.RequiredRisks);
        Assert.True(message.Insurance.AiHarmCoverRequired);
        Assert.Equal(1, message.ProgrammeVersion);
        Assert.Equal(Now, message.EstablishedAt);
        Assert.Null(message.ProposalId);
    }

    [Fact]
    public void A_regime_established_from_an_initiative_proposal_is_published_with_the_proposal_id()
    {
        var proposalId = Guid.NewGuid();
        var established = EstablishRegime.Decide(Guid.NewGuid(), ProgrammeRequest(), Russia, Regulator, Now) with { ProposalId = proposalId };

        var message = Assert.IsType<Published.RegimeEstablished>(Map(Stored(established)));

        Assert.Equal((established.RegimeId, proposalId), (message.RegimeId, message.ProposalId));
    }

    [Fact]
    public void An_insurers_report_is_published_with_every_policy_period_after_it()
    {
        var cut = Policy(to: new DateOnly(2026, 5, 31));
        var reported = new InsuranceEventReported(Guid.NewGuid(), Guid.NewGuid(), InsuranceEventKind.Cancelled, "7705042179", "POL-1",
            new DateOnly(2026, 6, 1), "Premium not paid", [cut], new Actor("client-x", "integration", null, "x"), Now);

        var message = Assert.IsType<Published.InsuranceChanged>(Map(Stored(reported, 2)));

        Assert.Equal((reported.ParticipationId, "cancelled", "POL-1", new DateOnly(2026, 6, 1), Now),
            (message.ParticipationId, message.Kind, message.PolicyNumber, message.EffectiveOn, message.ChangedAt));
        var policy = Assert.Single(message.Policies);
        Assert.Equal(("7705042179", new DateOnly(2026, 5, 31)), (policy.InsurerInn, policy.ValidTo));
        Assert.Equal(["life", "health", "property"], policy.CoveredRisks);
    }

    [Fact]
    public void Regime_amended_carries_the_new_programme_version()
    {
        var programme = EstablishRegime.ToProgramme(ProgrammeRequest() with { Title = "v2" }, Russia);

        var message = Assert.IsType<Published.RegimeAmended>(Map(Stored(new RegimeAmended(Guid.NewGuid(), 2, programme, "r", Regulator, Now), 2)));

        Assert.Equal((2, "v2", "transport"), (message.ProgrammeVersion, message.Title, message.Direction));
    }

    [Fact]
    public void Participation_granted_carries_company_term_insurance_and_register_without_contacts()
    {
        var regime = Regime();
        var (_, granted) = ApproveApplication.Decide(Application(regimeId: regime.Id), regime, new ApproveApplicationRequest(null, null),
            Guid.NewGuid(), Regulator, Now);

        var message = Assert.IsType<Published.ParticipationGranted>(Map(Stored(granted)));

        Assert.Equal((granted.ParticipationId, regime.Id, "1027700132195", "Robotaxi LLC"),
            (message.ParticipationId, message.RegimeId, message.CompanyOgrn, message.CompanyName));
        Assert.Equal((new DateOnly(2026, 4, 1), new DateOnly(2027, 3, 31)), (message.StartsOn, message.EndsOn));
        Assert.Equal(["life", "health", "property"], message.Insurance.CoveredRisks);
        Assert.Equal("7705042179", message.Insurance.InsurerInn);
        var person = Assert.Single(message.ResponsiblePersons);
        Assert.Equal(new Published.ResponsiblePerson(granted.ResponsiblePersons[0].EntryId, "Ivan Petrov", "CTO", "Autopilot",
            new DateOnly(2026, 4, 1), null), person);
    }

    [Fact]
    public void Participation_and_regime_status_changes_are_published()
    {
        var id = Guid.NewGuid();
        Assert.Equal("commissionConclusion", Assert.IsType<Published.ParticipationSuspended>(
            Map(Stored(new ParticipationSuspended(id, SuspensionGround.CommissionConclusion, "r", Regulator, Now)))).Ground);
        Assert.IsType<Published.ParticipationResumed>(Map(Stored(new ParticipationResumed(id, Regulator, Now))));
        Assert.IsType<Published.ParticipationTerminated>(Map(Stored(new ParticipationTerminated(id, "r", Regulator, Now))));
        Assert.IsType<Published.ParticipationExpired>(Map(Stored(new ParticipationExpired(id, Today, Now))));
        Assert.IsType<Published.InsuranceRenewed>(Map(Stored(new InsuranceRenewed(id, Policy(), Applicant, Now))));
        Assert.IsType<Published.ResponsiblePersonsChanged>(Map(Stored(new ResponsiblePersonRemoved(id, Guid.NewGuid(), Today, [], Applicant, Now))));
        Assert.IsType<Published.RegimeSuspended>(Map(Stored(new RegimeSuspended(id, "r", Regulator, Now))));
        Assert.IsType<Published.RegimeResumed>(Map(Stored(new RegimeResumed(id, Regulator, Now))));
        Assert.IsType<Published.RegimeTerminated>(Map(Stored(new RegimeTerminated(id, "r", Regulator, Now))));
        Assert.IsType<Published.RegimeExpired>(Map(Stored(new RegimeExpired(id, Today, Now))));
    }

    [Fact]
    public void Events_off_the_allow_list_stay_inside_the_service() =>
        Assert.Null(Map(Stored(new ProcessedMessage("x", Guid.NewGuid(), "c", "t", DateTimeOffset.UtcNow))));
}
