using SandboxRegistry.AiSystemRegistry.AiSystems;
using SandboxRegistry.AiSystemRegistry.AiSystems.GettingDetails;
using SandboxRegistry.AiSystemRegistry.AiSystems.RecordingIncidents;
using SandboxRegistry.Contracts;
using static SandboxRegistry.AiSystemRegistry.Tests.Domain.Given;
using Incidents = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.AiSystemRegistry.Tests.Domain;

public class IncidentTests
{
    private static SourceCitation Cite(Guid incident) => new(ServiceNames.IncidentClaims, incident, 3, Guid.NewGuid(), 77);

    private static Incidents.IncidentLinkedToAiSystem Linked(AiSystem s, Guid incident, Guid? version = null) =>
        new(Cite(incident), incident, s.Id, version ?? s.Versions[0].Id, "1.0.0", Guid.NewGuid(), Guid.NewGuid(), false, null, Now);

    private static Incidents.CommissionConclusionIssued Concluded(AiSystem s, Guid incident, params string[] recommendations) =>
        new(Cite(incident), incident, s.Id, s.Versions[0].Id, null, "established", recommendations, null, Now);

    [Fact]
    public void A_linked_incident_is_recorded_on_its_version_once()
    {
        var system = SystemWith("1.0.0");
        var incident = Guid.NewGuid();
        var message = Linked(system, incident);

        var e = RecordIncidents.Decide(system, message)!;

        Assert.Equal(new IncidentLinkedToVersion(system.Id, system.Versions[0].Id, incident, message.DeploymentId, false, message.Source, Now), e);
        var after = system.Apply(e);
        Assert.Equal([incident], after.Versions[0].Incidents);
        Assert.Null(RecordIncidents.Decide(after, Linked(after, incident)));
    }

    [Fact]
    public void A_link_to_an_unknown_version_is_a_fault_not_a_silent_drop() =>
        Assert.Throws<InvalidOperationException>(() => RecordIncidents.Decide(SystemWith("1.0.0"), Linked(SystemWith("1.0.0"), Guid.NewGuid(), Guid.NewGuid())));

    [Fact]
    public void Conclusions_keep_the_latest_per_incident_and_a_recall_recommendation_flags_the_version()
    {
        var system = SystemWith("1.0.0");
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var view = new object[]
        {
            Registered(system.Id) with { AiSystemId = system.Id },
            new VersionReleased(system.Id, system.Versions[0].Id, "1.0.0", new string('a', 64), "c", "t", "e", Owner, Now),
            RecordIncidents.Decide(system, system.Versions[0].Id, Concluded(system, first, Incidents.Recommendations.None)),
            RecordIncidents.Decide(system, system.Versions[0].Id, Concluded(system, second, Incidents.Recommendations.RecallVersion)),
            RecordIncidents.Decide(system, system.Versions[0].Id, Concluded(system, first, Incidents.Recommendations.AmendProgramme)),
        }.Aggregate((AiSystemDetails?)null, (s, e) => AiSystemDetails.Advance(s, e, Now))!;

        var v = view.Versions[0];
        Assert.True(v.RecallRecommended);
        Assert.Equal([(second, "recallVersion"), (first, "amendProgramme")], v.Conclusions.Select(c => (c.IncidentId, c.Recommendations[0])));
        Assert.Equal(VersionStatus.Released, v.Status);
    }
}
