using JasperFx.Events;
using SandboxRegistry.AiSystemRegistry.AiSystems;
using SandboxRegistry.AiSystemRegistry.AiSystems.GettingDetails;
using SandboxRegistry.AiSystemRegistry.Deployments;
using SandboxRegistry.AiSystemRegistry.Deployments.GettingDetails;
using static SandboxRegistry.AiSystemRegistry.Tests.Domain.Given;

namespace SandboxRegistry.AiSystemRegistry.Tests.Domain;

/// <summary>Reads as of an instant replay the stream's events up to it, by the time each decision was taken.</summary>
public class TimeTravelTests
{
    private static IReadOnlyList<IEvent> Stream(params object[] events) =>
        events.Select((e, i) => (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(e.GetType()), e)!)
            .Select((e, i) => { e.Version = i + 1; return e; }).ToList();

    [Fact]
    public void A_system_as_of_an_instant_has_the_versions_released_by_then_and_their_status_then()
    {
        var registered = Registered() with { RegisteredAt = Now };
        var id = registered.AiSystemId;
        var v1 = Guid.NewGuid();
        var v2 = Guid.NewGuid();
        var events = Stream(
            registered,
            new VersionReleased(id, v1, "1.0.0", new string('a', 64), "c", "t", "e", Owner, Now.AddDays(1)),
            new VersionReleased(id, v2, "1.1.0", new string('b', 64), "c", "t", "e", Owner, Now.AddDays(10)),
            new VersionRecalled(id, v1, "1.0.0", "Unsafe", Regulator, Now.AddDays(11)),
            new AiSystemSuspended(id, "Audit", Regulator, Now.AddDays(12)));

        Assert.Null(AiSystemDetails.AsOf(events, Now.AddTicks(-1)));
        var day2 = AiSystemDetails.AsOf(events, Now.AddDays(2))!;
        Assert.Equal(2, day2.StreamVersion);
        Assert.Equal(["1.0.0"], day2.Versions.Select(v => v.Version));
        Assert.Equal(VersionStatus.Released, day2.Versions[0].Status);
        Assert.Equal(AiSystemStatus.Active, day2.Status);
        var day11 = AiSystemDetails.AsOf(events, Now.AddDays(11))!;
        Assert.Equal([VersionStatus.Recalled, VersionStatus.Released], day11.Versions.Select(v => v.Status));
        Assert.Equal(AiSystemStatus.Active, day11.Status);
        Assert.Equal(AiSystemStatus.Suspended, AiSystemDetails.AsOf(events, Now.AddDays(30))!.Status);
    }

    [Fact]
    public void A_deployment_is_in_effect_only_while_active_and_inside_its_period()
    {
        var id = Guid.NewGuid();
        var from = Now.AddDays(1);
        var events = Stream(
            new AiSystemDeployed(id, Guid.NewGuid(), Guid.NewGuid(), "1.0.0", new string('a', 64), Guid.NewGuid(), Acme, ["77"], from,
                Now.AddDays(20), Owner, Now),
            new DeploymentSuspended(id, "participation suspended", null, Deployment.Registry, Now.AddDays(5)),
            new DeploymentResumed(id, null, Deployment.Registry, Now.AddDays(6)),
            new DeploymentEnded(id, "replaced", null, Owner, Now.AddDays(10)));

        bool InEffect(DateTimeOffset at) => DeploymentDetails.AsOf(events, at)?.InEffectAt(at) == true;

        Assert.Null(DeploymentDetails.AsOf(events, Now.AddTicks(-1)));
        Assert.False(InEffect(Now)); // recorded, but its period starts tomorrow
        Assert.True(InEffect(from));
        Assert.False(InEffect(Now.AddDays(5.5)));
        Assert.True(InEffect(Now.AddDays(7)));
        Assert.False(InEffect(Now.AddDays(10)));
        Assert.Equal(DeploymentStatus.Ended, DeploymentDetails.AsOf(events, Now.AddDays(30))!.Status);
        Assert.Equal(3, DeploymentDetails.AsOf(events, Now.AddDays(7))!.StreamVersion);
    }

    [Fact]
    public void A_deployment_past_its_planned_end_is_not_in_effect()
    {
        var id = Guid.NewGuid();
        var events = Stream(new AiSystemDeployed(id, Guid.NewGuid(), Guid.NewGuid(), "1.0.0", new string('a', 64), Guid.NewGuid(), Acme,
            ["77"], Now, Now.AddDays(1), Owner, Now));

        Assert.True(DeploymentDetails.AsOf(events, Now.AddHours(23))!.InEffectAt(Now.AddHours(23)));
        Assert.False(DeploymentDetails.AsOf(events, Now.AddDays(1))!.InEffectAt(Now.AddDays(1)));
    }
}
