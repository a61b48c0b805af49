using System.Text.Json;
using JasperFx.Events;
using SandboxRegistry.Contracts;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.IncidentClaims.Incidents.Concluding;
using SandboxRegistry.IncidentClaims.Incidents.Reporting;
using SandboxRegistry.IncidentClaims.Messaging;
using static SandboxRegistry.IncidentClaims.Tests.Domain.Given;
using Published = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.IncidentClaims.Tests.Messaging;

public class IntegrationEventsTests
{
    private static (object? Contract, SourceCitation Citation) Map<T>(T data) where T : notnull
    {
        var stored = new Event<T>(data) { Id = Guid.NewGuid(), StreamId = Guid.NewGuid(), Version = 3, Sequence = 42 };
        var citation = OutboxForwarder.Cite(stored, ServiceNames.IncidentClaims);
        return (new IntegrationEvents().ToContract(stored, citation), citation);
    }

    [Fact]
    public void A_report_is_published_without_the_reporter()
    {
        var reported = Reported(Request(new HarmRequest(HarmType.InjuryToHealth, Severity.Serious, 2, null)));

        var (contract, citation) = Map(reported);

        var message = Assert.IsType<Published.HarmIncidentReported>(contract);
        Assert.Equal(citation, message.Source);
        Assert.Equal(reported.IncidentId, message.IncidentId);
        Assert.Equal("statePortal", message.Channel);
        Assert.Equal("77", message.RegionCode);
        Assert.Equal([new Published.HarmSummary("injuryToHealth", "serious", 2, null)], message.Harms);
        Assert.True(message.Serious);
        var json = JsonSerializer.Serialize(message);
        Assert.DoesNotContain("Ivan Petrov", json);
        Assert.DoesNotContain("ivan@example.ru", json);
        Assert.DoesNotContain("Tverskaya", json);
    }

    [Fact]
    public void Linking_is_published_with_the_version_deployment_and_participation()
    {
        var incident = State(Reported());
        var linked = Linked(incident);

        var message = Assert.IsType<Published.IncidentLinkedToAiSystem>(Map(linked).Contract);

        Assert.Equal(linked.Resolution.Version.VersionId, message.VersionId);
        Assert.Equal("1.0", message.Version);
        Assert.Equal(linked.Resolution.Deployment!.DeploymentId, message.DeploymentId);
        Assert.Equal(linked.Resolution.Participation!.ParticipationId, message.ParticipationId);
        Assert.False(message.Explicit);
    }

    [Fact]
    public void Convening_and_the_signed_conclusion_are_published()
    {
        var (state, history) = UpToConclusion();
        var signed = Conclusions.Sign(state, Regulator, Now);

        var convened = Assert.IsType<Published.CommissionConvened>(Map((CommissionConvened)history[2]).Contract);
        var issued = Assert.IsType<Published.CommissionConclusionIssued>(Map(signed).Contract);

        Assert.Equal(3, convened.Members);
        Assert.Equal("established", issued.CausalLink);
        Assert.Equal([Published.Recommendations.SuspendParticipation], issued.Recommendations);
        Assert.Equal(state.Resolution!.Participation!.ParticipationId, issued.ParticipationId);
        Assert.Equal(new Money(50_000m, "RUB"), issued.DamageAssessed);
        Assert.Null(Map((ConclusionRecorded)history[3]).Contract); // a draft stays inside
    }

    [Fact]
    public void Settlements_and_closure_are_published()
    {
        var id = Guid.NewGuid();
        var claim = Guid.NewGuid();

        var paid = Assert.IsType<Published.InsuranceClaimSettled>(Map(new InsuranceClaimPaid(id, claim, new Money(5m, "RUB"), Regulator, Now)).Contract);
        var denied = Assert.IsType<Published.InsuranceClaimSettled>(Map(new InsuranceClaimDenied(id, claim, "excluded", Regulator, Now)).Contract);
        var closed = Assert.IsType<Published.IncidentClosed>(Map(new IncidentClosed(id, IncidentOutcome.LiabilityEstablished, null, Regulator, Now)).Contract);

        Assert.Equal(("paid", new Money(5m, "RUB"), (string?)null), (paid.Outcome, paid.AmountPaid, paid.Reason));
        Assert.Equal(("denied", (Money?)null, "excluded"), (denied.Outcome, denied.AmountPaid, denied.Reason));
        Assert.Equal("liabilityEstablished", closed.Outcome);
    }
}
