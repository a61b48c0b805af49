using JasperFx.Events;
using SandboxRegistry.AiSystemRegistry.AiSystems;
using SandboxRegistry.AiSystemRegistry.Deployments;
using SandboxRegistry.AiSystemRegistry.Messaging;
using SandboxRegistry.Contracts;
using static SandboxRegistry.AiSystemRegistry.Tests.Domain.Given;
using Published = SandboxRegistry.Contracts.AiSystemRegistry;

namespace SandboxRegistry.AiSystemRegistry.Tests.Messaging;

public class IntegrationEventsTests
{
    private static (object? Contract, SourceCitation Citation) Map<T>(T data) where T : notnull
    {
        var stored = new Event<T>(data) { Id = Guid.NewGuid(), StreamId = Guid.NewGuid(), Version = 3, Sequence = 42 };
        var citation = OutboxForwarder.Cite(stored, ServiceNames.AiSystemRegistry);
        return (new IntegrationEvents().ToContract(stored, citation), citation);
    }

    [Fact]
    public void Registration_is_published_with_camel_case_values_and_the_developers_id()
    {
        var e = Registered();

        var (contract, citation) = Map(e);

        Assert.Equal(new Published.AiSystemRegistered(citation, e.AiSystemId, Acme, "Road sign reader", "Assist drivers", "transport",
            "Acme Vision LLC", Acme, "Acme Shuttles LLC", "humanOnTheLoop", "high", "computerVision", Now), contract);
        Assert.Equal(new SourceCitation("ai-system-registry", citation.StreamId, 3, citation.EventId, 42), citation);
    }

    [Fact]
    public void Versions_and_system_status_changes_are_published()
    {
        var id = Guid.NewGuid();
        var v = Guid.NewGuid();
        var sha = new string('a', 64);

        var (released, c1) = Map(new VersionReleased(id, v, "1.0.0", sha, "changes", "t", "e", Owner, Now));
        var (recalled, c2) = Map(new VersionRecalled(id, v, "1.0.0", "Unsafe", Regulator, Now));
        var (suspended, c3) = Map(new AiSystemSuspended(id, "Audit", Regulator, Now));
        var (withdrawn, c4) = Map(new AiSystemWithdrawn(id, "Gone", Owner, Now));

        Assert.Equal(new Published.AiSystemVersionReleased(c1, id, v, "1.0.0", sha, Now, "changes"), released);
        Assert.Equal(new Published.AiSystemVersionRecalled(c2, id, v, "1.0.0", "Unsafe", Now), recalled);
        Assert.Equal(new Published.AiSystemSuspended(c3, id, "Audit", Now), suspended);
        Assert.Equal(new Published.AiSystemWithdrawn(c4, id, "Gone", Now), withdrawn);
    }

    [Fact]
    public void Deployments_and_their_status_changes_are_published()
    {
        var d = Guid.NewGuid();
        var e = new AiSystemDeployed(d, Guid.NewGuid(), Guid.NewGuid(), "1.0.0", new string('a', 64), Guid.NewGuid(), Acme, ["77"], Now, null,
            Owner, Now);

        var (deployed, c1) = Map(e);
        var (suspended, c2) = Map(new DeploymentSuspended(d, "why", null, Deployment.Registry, Now));
        var (resumed, c3) = Map(new DeploymentResumed(d, null, Deployment.Registry, Now));
        var (ended, c4) = Map(new DeploymentEnded(d, "over", null, Owner, Now));

        var message = Assert.IsType<Published.AiSystemDeployed>(deployed);
        Assert.Equal((c1, d, e.AiSystemId, e.VersionId, "1.0.0", e.ParticipationId, Acme, Now, (DateTimeOffset?)null),
            (message.Source, message.DeploymentId, message.AiSystemId, message.VersionId, message.Version, message.ParticipationId,
                message.OwnerOgrn, message.From, message.Until));
        Assert.Equal(["77"], message.Territory);
        Assert.Equal(new Published.DeploymentSuspended(c2, d, "why", Now), suspended);
        Assert.Equal(new Published.DeploymentResumed(c3, d, Now), resumed);
        Assert.Equal(new Published.DeploymentEnded(c4, d, "over", Now, Now), ended);
    }

    [Fact]
    public void An_end_recorded_after_the_fact_and_a_period_correction_carry_their_effective_times()
    {
        var d = Guid.NewGuid();

        var (ended, c1) = Map(new DeploymentEnded(d, "Replaced", null, Owner, Now.AddDays(-10), Now));
        var (corrected, c2) = Map(new DeploymentPeriodCorrected(d, Now.AddDays(-40), null, Now.AddDays(-12), "Protocol", Regulator, Now));

        Assert.Equal(new Published.DeploymentEnded(c1, d, "Replaced", Now.AddDays(-10), Now), ended);
        Assert.Equal(new Published.DeploymentPeriodCorrected(c2, d, Now.AddDays(-40), null, Now.AddDays(-12), "Protocol", Now), corrected);
    }

    [Fact]
    public void Deprecations_and_incident_records_stay_inside_the_service()
    {
        Assert.Null(Map(new VersionDeprecated(Guid.NewGuid(), Guid.NewGuid(), "1.0.0", Owner, Now)).Contract);
        Assert.Null(Map(new IncidentLinkedToVersion(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), null, false,
            new SourceCitation("incident-claims", Guid.NewGuid(), 1, Guid.NewGuid(), 1), Now)).Contract);
    }
}
