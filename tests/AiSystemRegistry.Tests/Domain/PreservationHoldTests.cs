using SandboxRegistry.AiSystemRegistry.AiSystems;
using SandboxRegistry.AiSystemRegistry.AiSystems.Deprecating;
using SandboxRegistry.AiSystemRegistry.AiSystems.GettingDetails;
using SandboxRegistry.AiSystemRegistry.AiSystems.HoldingForIncidents;
using SandboxRegistry.AiSystemRegistry.AiSystems.Recalling;
using SandboxRegistry.AiSystemRegistry.AiSystems.Releasing;
using SandboxRegistry.AiSystemRegistry.AiSystems.Withdrawing;
using SandboxRegistry.Contracts;
using static SandboxRegistry.AiSystemRegistry.Tests.Domain.Given;
using Incidents = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.AiSystemRegistry.Tests.Domain;

/// <summary>AI Act art. 73(6): a version held for a serious incident is not altered until every hold on it is lifted.</summary>
public class PreservationHoldTests
{
    private static readonly DateTimeOffset Applied = Now.AddSeconds(2);

    private static SourceCitation Cite(Guid incident, long version) => new(ServiceNames.IncidentClaims, incident, version, Guid.NewGuid(), 90 + version);

    private static Incidents.PreservationHoldPlaced Placed(AiSystem s, Guid incident, Guid hold, int version = 0) =>
        new(Cite(incident, 3), hold, incident, s.Id, s.Versions[version].Id, s.Versions[version].Number, Now);

    private static Incidents.PreservationHoldLifted Lifted(AiSystem s, Guid incident, Guid hold, int version = 0) =>
        new(Cite(incident, 5), hold, incident, s.Id, s.Versions[version].Id, "The cause was examined.", Now.AddDays(3));

    private static void AssertHeld(Action act)
    {
        var refusal = Assert.Throws<DomainRuleViolation>(act);
        Assert.Equal("version-on-preservation-hold", refusal.Code);
    }

    [Fact]
    public void A_held_version_refuses_recall_and_deprecation_and_its_system_refuses_withdrawal_while_a_new_version_is_released()
    {
        var system = SystemWith("1.0.0");
        var incident = Guid.NewGuid();
        var hold = Guid.NewGuid();
        var message = Placed(system, incident, hold);

        var placed = PreservationHolds.Decide(system, message, Applied)!;

        Assert.Equal(new VersionPlacedOnHold(system.Id, system.Versions[0].Id, "1.0.0", hold, incident, message.Source, Now, Applied), placed);
        var held = system.Apply(placed);
        var version = held.Versions[0].Id;
        AssertHeld(() => RecallVersion.Decide(held, version, new RecallVersionRequest("Faulty"), Regulator, Now));
        AssertHeld(() => DeprecateVersion.Decide(held, version, Owner, Now));
        AssertHeld(() => WithdrawAiSystem.Decide(held, new WithdrawAiSystemRequest("Leaving"), Owner, Now));
        var next = ReleaseVersion.Decide(held, Guid.NewGuid(), Release("1.1.0", 'b'), Owner, Now);
        Assert.Equal("1.1.0", next.Version);
        var both = held.Apply(next);
        AssertHeld(() => WithdrawAiSystem.Decide(both, new WithdrawAiSystemRequest("Leaving"), Owner, Now));
        Assert.Equal("1.1.0", DeprecateVersion.Decide(both, next.VersionId, Owner, Now).Version); // the new version is not held
    }

    [Fact]
    public void A_redelivered_placement_or_lift_records_nothing_more()
    {
        var system = SystemWith("1.0.0");
        var incident = Guid.NewGuid();
        var hold = Guid.NewGuid();
        var held = system.Apply(PreservationHolds.Decide(system, Placed(system, incident, hold), Applied)!);

        Assert.Null(PreservationHolds.Decide(held, Placed(system, incident, hold), Applied));
        var free = held.Apply(PreservationHolds.Decide(held, Lifted(held, incident, hold), Applied)!);
        Assert.Null(PreservationHolds.Decide(free, Lifted(free, incident, hold), Applied));
        Assert.Equal("1.0.0", RecallVersion.Decide(free, free.Versions[0].Id, new RecallVersionRequest("Faulty"), Regulator, Now).Version);
    }

    [Fact]
    public void A_version_held_by_two_incidents_stays_held_until_both_holds_are_lifted()
    {
        var system = SystemWith("1.0.0");
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        var (firstHold, secondHold) = (Guid.NewGuid(), Guid.NewGuid());
        var held = system.Apply(PreservationHolds.Decide(system, Placed(system, first, firstHold), Applied)!);
        held = held.Apply(PreservationHolds.Decide(held, Placed(held, second, secondHold), Applied)!);

        var liftedOnce = PreservationHolds.Decide(held, Lifted(held, first, firstHold), Applied)!;
        Assert.True(liftedOnce.StillHeld);
        var stillHeld = held.Apply(liftedOnce);
        Assert.Equal([new HeldFor(secondHold, second)], stillHeld.Versions[0].Holds);
        AssertHeld(() => RecallVersion.Decide(stillHeld, stillHeld.Versions[0].Id, new RecallVersionRequest("Faulty"), Regulator, Now));

        var liftedTwice = PreservationHolds.Decide(stillHeld, Lifted(stillHeld, second, secondHold), Applied)!;
        Assert.False(liftedTwice.StillHeld);
        var free = stillHeld.Apply(liftedTwice);
        Assert.Empty(free.Versions[0].Holds);
        Assert.Equal("1.0.0", DeprecateVersion.Decide(free, free.Versions[0].Id, Owner, Now).Version);
    }

    [Fact]
    public void A_hold_on_an_unknown_version_is_a_fault_not_a_silent_drop()
    {
        var system = SystemWith("1.0.0");
        var message = Placed(system, Guid.NewGuid(), Guid.NewGuid()) with { VersionId = Guid.NewGuid() };
        Assert.Throws<InvalidOperationException>(() => PreservationHolds.Decide(system, message, Applied));
    }

    [Fact]
    public void The_version_view_shows_each_hold_with_its_incident_and_since_when_and_as_known_at_an_earlier_instant()
    {
        var system = SystemWith("1.0.0");
        var incident = Guid.NewGuid();
        var hold = Guid.NewGuid();
        var placedMessage = Placed(system, incident, hold);
        var placed = PreservationHolds.Decide(system, placedMessage, Applied)!;
        var liftedAt = Now.AddDays(3).AddSeconds(1);
        var liftMessage = Lifted(system.Apply(placed), incident, hold);
        var lifted = PreservationHolds.Decide(system.Apply(placed), liftMessage, liftedAt)!;
        var view = new object[]
        {
            Registered(system.Id) with { AiSystemId = system.Id },
            new VersionReleased(system.Id, system.Versions[0].Id, "1.0.0", new string('a', 64), "c", "t", "e", Owner, Now),
            placed,
        }.Aggregate((AiSystemDetails?)null, (s, e) => AiSystemDetails.Advance(s, e, Now))!;

        var heldVersion = view.Versions[0];
        Assert.True(heldVersion.OnHold);
        Assert.Equal([new VersionHold(hold, incident, Now, Applied, placedMessage.Source)], heldVersion.Holds);

        var after = AiSystemDetails.Advance(view, lifted, liftedAt)!;
        Assert.False(after.Versions[0].OnHold);
        Assert.Equal([new VersionHold(hold, incident, Now, Applied, placedMessage.Source, liftedAt, "The cause was examined.", liftMessage.Source)],
            after.Versions[0].Holds);
        var before = after.As(liftedAt.AddSeconds(-1), liftedAt.AddSeconds(-1))!;
        Assert.True(before.Versions[0].OnHold);
        Assert.Empty(after.As(Now, Now)!.Versions[0].Holds);
    }
}
