using SandboxRegistry.Contracts;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.IncidentClaims.Incidents.GettingDossier;
using SandboxRegistry.IncidentClaims.Incidents.PreservingVersion;
using SandboxRegistry.IncidentClaims.Incidents.Reporting;
using SandboxRegistry.IncidentClaims.Incidents.Triaging;
using static SandboxRegistry.IncidentClaims.Tests.Domain.Given;
using Registry = SandboxRegistry.Contracts.AiSystemRegistry;

namespace SandboxRegistry.IncidentClaims.Tests.Domain;

/// <summary>AI Act art. 73(6): linking a serious incident holds the version concerned until the regulator lifts the hold.</summary>
public class PreservationHoldTests
{
    private static readonly Guid HoldId = Guid.Parse("0193a5b0-0000-7000-8000-0000000000a1");
    private static readonly Guid NextHoldId = Guid.Parse("0193a5b0-0000-7000-8000-0000000000a2");

    private static HarmIncidentReported Serious() => Reported(Request(new HarmRequest(HarmType.InjuryToHealth, Severity.Serious, 1, null)));

    [Fact]
    public void Linking_a_serious_incident_places_a_hold_on_the_linked_version()
    {
        var reported = Serious();
        var incident = State(reported);
        var resolution = Resolution();

        var events = Triage.LinkAndHold(incident, resolution, false, null, Eu, Regulator, Now, HoldId, reported.Classification.Grounds);

        var linked = Assert.IsType<IncidentLinked>(events[0]);
        Assert.Equal(["seriousHarmToHealth"], reported.Classification.Grounds);
        Assert.Equal(new PreservationHoldPlaced(incident.Id, HoldId, resolution.Version.AiSystemId, resolution.Version.VersionId, "1.0",
            reported.Classification.Grounds, Regulator, Now), events[1]);
        var after = State(reported, linked, events[1]);
        Assert.Equal(new HoldState(HoldId, resolution.Version.AiSystemId, resolution.Version.VersionId, "1.0", false), after.ActiveHold);
    }

    [Fact]
    public void Linking_an_incident_that_is_not_serious_places_no_hold()
    {
        var reported = Reported(); // minor damage to property
        Assert.False(reported.Classification.Serious);

        var events = Triage.LinkAndHold(State(reported), Resolution(), false, null, Eu, Regulator, Now, HoldId, []);

        Assert.IsType<IncidentLinked>(Assert.Single(events));
    }

    [Fact]
    public void The_profile_says_which_severities_are_serious()
    {
        var report = Serious().Report;
        Assert.True(Clocks.Classify(report, Eu).Serious);
        var criticalOnly = new JurisdictionProfile { SeriousSeverities = "critical" };
        Assert.False(Clocks.Classify(report, criticalOnly).Serious);
        Assert.True(criticalOnly.IsUsable());
        Assert.False(new JurisdictionProfile { SeriousSeverities = "grave" }.IsUsable());
    }

    [Fact]
    public void The_regulator_lifts_the_hold_with_a_reason_and_a_second_lift_is_refused()
    {
        var reported = Serious();
        var resolution = Resolution();
        var placed = new PreservationHoldPlaced(reported.IncidentId, HoldId, resolution.Version.AiSystemId, resolution.Version.VersionId, "1.0",
            [], Regulator, Now);
        var incident = State(reported, new IncidentLinked(reported.IncidentId, resolution, false, null, Now.AddDays(30), Regulator, Now), placed);

        var lifted = PreservationHolds.Lift(incident, "  The logs were examined. ", Regulator, Now.AddDays(5));

        Assert.Equal(new PreservationHoldLifted(incident.Id, HoldId, resolution.Version.AiSystemId, resolution.Version.VersionId, "1.0",
            "The logs were examined.", Regulator, Now.AddDays(5)), lifted);
        var free = Incident.When(incident, lifted)!;
        Assert.Null(free.ActiveHold);
        var refused = Assert.Throws<DomainRuleViolation>(() => PreservationHolds.Lift(free, "again", Regulator, Now.AddDays(6)));
        Assert.Equal("no-preservation-hold", refused.Code);
    }

    [Fact]
    public void Correcting_the_link_moves_the_hold_to_the_version_the_incident_now_concerns()
    {
        var reported = Serious();
        var first = Resolution();
        var placed = new PreservationHoldPlaced(reported.IncidentId, HoldId, first.Version.AiSystemId, first.Version.VersionId, "1.0", [],
            Regulator, Now);
        var incident = State(reported, new IncidentLinked(reported.IncidentId, first, false, null, Now.AddDays(30), Regulator, Now), placed);
        var corrected = Resolution() with { Version = new LinkedVersion(first.Version.AiSystemId, Guid.NewGuid(), "1.1", new string('d', 64), Now, Cited) };

        IReadOnlyList<string> grounds = ["seriousHarmToHealth"];
        var events = Triage.CorrectLink(incident, corrected, " The operator ran 1.1 that day. ", Regulator, Now.AddDays(1), NextHoldId, grounds);

        Assert.Equal(3, events.Count);
        Assert.Equal(new IncidentLinkCorrected(incident.Id, corrected, first.Version.VersionId, "The operator ran 1.1 that day.", Regulator,
            Now.AddDays(1)), events[0]);
        var lift = Assert.IsType<PreservationHoldLifted>(events[1]);
        Assert.Equal((HoldId, first.Version.VersionId), (lift.HoldId, lift.VersionId));
        Assert.Equal("The link was corrected to version 1.1: The operator ran 1.1 that day.", lift.Reason);
        Assert.Equal(new PreservationHoldPlaced(incident.Id, NextHoldId, corrected.Version.AiSystemId, corrected.Version.VersionId, "1.1",
            grounds, Regulator, Now.AddDays(1)), events[2]);
        var after = events.Aggregate(incident, (s, e) => Incident.When(s, e)!);
        Assert.Equal(corrected.Version.VersionId, after.ActiveHold!.VersionId);
        Assert.Equal(corrected, after.Resolution);

        var same = Assert.Throws<DomainRuleViolation>(() => Triage.CorrectLink(after, corrected, "again", Regulator, Now, Guid.NewGuid(), []));
        Assert.Equal("same-version", same.Code);
        var untriaged = Assert.Throws<DomainRuleViolation>(() => Triage.CorrectLink(State(reported), corrected, "why", Regulator, Now, Guid.NewGuid(), []));
        Assert.Equal("not-linked", untriaged.Code);
    }

    [Fact]
    public void The_registry_acknowledgements_are_recorded_once_and_the_dossier_cites_placed_applied_lifted_and_released()
    {
        var reported = Serious();
        var resolution = Resolution();
        var linked = new IncidentLinked(reported.IncidentId, resolution, false, null, Now.AddDays(30), Regulator, Now);
        var placed = new PreservationHoldPlaced(reported.IncidentId, HoldId, resolution.Version.AiSystemId, resolution.Version.VersionId, "1.0",
            ["seriousHarmToHealth"], Regulator, Now);
        var registryEvent = new SourceCitation(ServiceNames.AiSystemRegistry, resolution.Version.AiSystemId, 7, Guid.NewGuid(), 70);
        var incident = State(reported, linked, placed);
        var applied = PreservationHolds.Acknowledge(incident, new Registry.PreservationHoldApplied(registryEvent, HoldId, incident.Id,
            resolution.Version.AiSystemId, resolution.Version.VersionId, "1.0", Now.AddSeconds(1)))!;
        var appliedState = Incident.When(incident, applied)!;
        Assert.Null(PreservationHolds.Acknowledge(appliedState, new Registry.PreservationHoldApplied(registryEvent, HoldId, incident.Id,
            resolution.Version.AiSystemId, resolution.Version.VersionId, "1.0", Now.AddSeconds(1))));
        Assert.Null(PreservationHolds.Acknowledge(appliedState, new Registry.PreservationHoldApplied(registryEvent, Guid.NewGuid(), incident.Id,
            resolution.Version.AiSystemId, resolution.Version.VersionId, "1.0", Now.AddSeconds(1))));
        var lifted = PreservationHolds.Lift(appliedState, "Examined.", Regulator, Now.AddDays(2));
        var releaseCitation = registryEvent with { StreamVersion = 8, EventId = Guid.NewGuid(), Sequence = 80 };
        var released = PreservationHolds.Acknowledge(Incident.When(appliedState, lifted)!, new Registry.PreservationHoldReleased(releaseCitation, HoldId,
            incident.Id, resolution.Version.AiSystemId, resolution.Version.VersionId, "1.0", true, Now.AddDays(2).AddSeconds(1)))!;

        var stream = new object[] { reported, linked, placed, applied, lifted, released }
            .Select((e, i) => (JasperFx.Events.IEvent)new JasperFx.Events.Event<object>(e) { StreamId = reported.IncidentId, Version = i + 1, Sequence = 100 + i, Id = Guid.NewGuid() })
            .ToList();
        var dossier = Dossier.From(stream, null)!;

        var hold = Assert.Single(dossier.PreservationHolds!);
        Assert.Equal(new DossierHold(HoldId, resolution.Version.AiSystemId, resolution.Version.VersionId, "1.0", placed.Grounds, "reg-1", Now,
            OutboxForwarder.Cite(stream[2], ServiceNames.IncidentClaims), Now.AddSeconds(1), registryEvent, "reg-1", Now.AddDays(2), "Examined.",
            OutboxForwarder.Cite(stream[4], ServiceNames.IncidentClaims), Now.AddDays(2).AddSeconds(1), true, releaseCitation), hold);
    }
}
