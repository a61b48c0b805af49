using SandboxRegistry.Contracts;
using SandboxRegistry.IncidentClaims.AiSystems;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.IncidentClaims.Incidents.Triaging;
using SandboxRegistry.IncidentClaims.Participations;
using SandboxRegistry.IncidentClaims.Regimes;
using static SandboxRegistry.IncidentClaims.Tests.Domain.Given;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.IncidentClaims.Tests.Domain;

public class TriageTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 14, 9, 30, 0, TimeSpan.Zero);

    private static ResolvedAt When(DateTimeOffset at) => new(at, at.AddDays(1), "Europe/Moscow", Eu.LocalDate(at, "77"));

    private static SourceCitation Cite(string service, long version = 1) => new(service, Guid.NewGuid(), version, Guid.NewGuid(), version);

    private static KnownDeployment Deployment(DateTimeOffset from, DateTimeOffset? until = null, string region = "77", Guid? system = null) =>
        new(Guid.NewGuid(), system ?? Guid.NewGuid(), Guid.NewGuid(), "1.0", new string('c', 64), Guid.NewGuid(), "1027700132195", [region, "50"],
            from, until, Cite(ServiceNames.AiSystemRegistry), []);

    [Fact]
    public void The_deployment_in_service_there_and_then_is_chosen()
    {
        var v10 = Deployment(At.AddDays(-30), At.AddDays(-1));
        var v11 = Deployment(At.AddDays(-1));
        var elsewhere = Deployment(At.AddDays(-30), region: "78");

        var chosen = Triage.ChooseDeployment([v10, v11, elsewhere], At.AddDays(-2), "77", new LinkRequest(null, null));

        Assert.Same(v10, chosen);
        Assert.Same(v11, Triage.ChooseDeployment([v10, v11, elsewhere], At, "77", new LinkRequest(null, null)));
    }

    [Fact]
    public void A_suspended_or_ended_deployment_was_not_in_service()
    {
        var suspended = Deployment(At.AddDays(-30)) with
        {
            Suspensions = [new Suspension(At.AddDays(-5), "audit", Cite(ServiceNames.AiSystemRegistry, 2), At.AddDays(1))],
        };
        var ended = Deployment(At.AddDays(-30)) with { EndedAt = At.AddHours(-1) };

        var refused = Assert.Throws<DomainRuleViolation>(() =>
            Triage.ChooseDeployment([suspended, ended], At, "77", new LinkRequest(null, null)));

        Assert.Equal("no-deployment-at-occurrence", refused.Code);
        Assert.True(suspended.ActiveAt(At.AddDays(2), "77"));
        Assert.True(ended.ActiveAt(At.AddHours(-2), "77"));
    }

    [Fact]
    public void Several_matches_need_the_regulator_to_name_one()
    {
        var a = Deployment(At.AddDays(-10));
        var b = Deployment(At.AddDays(-10));

        var refused = Assert.Throws<DomainRuleViolation>(() => Triage.ChooseDeployment([a, b], At, "77", new LinkRequest(null, null),
            describe: d => new DeploymentCandidate(d.Id, d.AiSystemId, d == a ? "SkyDrop" : "AirTaxi", d.VersionId, d.Version, d.OwnerOgrn,
                "Aero LLC", d.From, d.Until)));

        Assert.Equal("several-deployments-match", refused.Code);
        Assert.Equal(["AirTaxi", "SkyDrop"], ((IEnumerable<DeploymentCandidate>)refused.Extensions["candidates"]!).Select(c => c.AiSystemName));
        Assert.Contains($"SkyDrop version 1.0 of Aero LLC (OGRN 1027700132195), deployment {a.Id}", refused.Message);
        Assert.Same(b, Triage.ChooseDeployment([a, b], At, "77", new LinkRequest(b.AiSystemId, null)));
        Assert.Same(a, Triage.ChooseDeployment([a, b], At, "77", new LinkRequest(null, a.Id)));
    }

    [Fact]
    public void The_system_the_citizen_named_breaks_a_tie_but_never_excludes_the_only_match()
    {
        var a = Deployment(At.AddDays(-10));
        var b = Deployment(At.AddDays(-10));
        var none = new LinkRequest(null, null);

        Assert.Same(b, Triage.ChooseDeployment([a, b], At, "77", none, claimedAiSystemId: b.AiSystemId));
        Assert.Same(a, Triage.ChooseDeployment([a], At, "77", none, claimedAiSystemId: b.AiSystemId));
        Assert.Equal("several-deployments-match", Assert.Throws<DomainRuleViolation>(() =>
            Triage.ChooseDeployment([a, b], At, "77", none, claimedAiSystemId: Guid.NewGuid())).Code);
    }

    [Fact]
    public void Resolution_takes_the_programme_policy_and_persons_as_of_the_incident()
    {
        var deployment = Deployment(At.AddDays(-30));
        var version = new KnownVersion(deployment.VersionId, deployment.AiSystemId, "1.0", new string('c', 64), At.AddDays(-40),
            Cite(ServiceNames.AiSystemRegistry));
        var system = new KnownAiSystem(deployment.AiSystemId, "1027700132195", "SkyDrop", "Delivery", "Aero Dev", null, "Aero LLC", "high",
            Cite(ServiceNames.AiSystemRegistry), []);
        var oldPolicy = Policy("POL-2025", new(2025, 1, 1), new(2025, 12, 31));
        var currentPolicy = Policy("POL-2026", new(2026, 1, 1), new(2026, 12, 31));
        var grant = Cite(ServiceNames.SandboxApplications, 1);
        var renewal = Cite(ServiceNames.SandboxApplications, 2);
        var registerChange = Cite(ServiceNames.SandboxApplications, 3);
        var gone = new Published.ResponsiblePerson(Guid.NewGuid(), "Left Early", "CEO", "all", new(2025, 1, 1), new(2026, 2, 28));
        var current = new Published.ResponsiblePerson(Guid.NewGuid(), "Anna Smirnova", "CTO", "autopilot", new(2026, 3, 1), null);
        var participation = new KnownParticipation(deployment.ParticipationId, Guid.NewGuid(), 1, "1027700132195", "Aero LLC", ["77"],
            new(2025, 1, 1), new(2027, 12, 31), grant,
            [new CitedPolicy(oldPolicy, At.AddYears(-1), grant), new CitedPolicy(currentPolicy, At.AddDays(-80), renewal)],
            [new CitedRegister([gone], At.AddYears(-1), grant), new CitedRegister([gone, current], At.AddDays(-20), registerChange)], []);
        var v1 = Cite(ServiceNames.SandboxApplications);
        var v2 = Cite(ServiceNames.SandboxApplications, 2);
        var regime = new KnownRegime(participation.RegimeId, 2, "Drones v2", "unmannedAircraft", ["77"], new(2025, 1, 1), new(2027, 12, 31), null,
            new Published.InsuranceRequirements(new Money(1m, "RUB"), [], true), [v1, v2])
        {
            ProgrammeVersions =
            [
                new KnownProgrammeVersion(1, "Drones", "unmannedAircraft", ["77"], new(2025, 1, 1), new(2027, 12, 31), "Decree 1",
                    new Published.InsuranceRequirements(new Money(1m, "RUB"), [], true), At.AddYears(-1), v1),
                new KnownProgrammeVersion(2, "Drones v2", "unmannedAircraft", ["77"], new(2025, 1, 1), new(2027, 12, 31), "Decree 2",
                    new Published.InsuranceRequirements(new Money(1m, "RUB"), [], true), At.AddDays(1), v2),
            ],
        };

        var r = Triage.Resolve(When(At), deployment, version, system, participation, regime);

        Assert.Equal(new LinkedDeployment(deployment.Id, deployment.Territory, deployment.From, null, deployment.Source), r.Deployment);
        Assert.Equal(new LinkedVersion(version.AiSystemId, version.Id, "1.0", version.ArtifactSha256, version.ReleasedAt, version.Source), r.Version);
        Assert.Equal(system.Source, r.AiSystem!.Source);
        Assert.Equal(grant, r.Participation!.Source);
        Assert.Equal(new LinkedProgramme(regime.Id, 1, "Drones", "Decree 1", v1), r.Programme); // v2 came into force after the incident
        Assert.Equal("POL-2026", r.InsurancePolicy!.PolicyNumber);
        Assert.Equal(renewal, r.InsurancePolicy.Source);
        Assert.Equal(new DateOnly(2026, 3, 14), r.ResponsiblePersons!.AsOf);
        Assert.Equal(["Anna Smirnova"], r.ResponsiblePersons.Persons.Select(p => p.FullName));
        Assert.Equal(registerChange, r.ResponsiblePersons.Source);
        Assert.Equal(["1027700132195", current.EntryId.ToString()], r.Parties().Select(p => p.Id));
    }

    [Theory]
    [InlineData("2026-03-14T14:30:00Z", "25", "2026-03-15")] // 00:30 in Vladivostok
    [InlineData("2026-03-14T17:30:00+03:00", "25", "2026-03-15")] // the same instant, sent in Moscow time
    [InlineData("2026-03-15T00:30:00+10:00", "25", "2026-03-15")]
    [InlineData("2026-03-14T13:59:59Z", "25", "2026-03-14")]
    [InlineData("2026-03-14T22:30:00Z", "39", "2026-03-15")] // 00:30 in Kaliningrad
    [InlineData("2026-03-14T21:30:00Z", "39", "2026-03-14")] // 23:30 in Kaliningrad, 00:30 in Moscow
    [InlineData("2026-03-15T00:30:00+03:00", "39", "2026-03-14")]
    [InlineData("2026-03-14T21:30:00Z", "77", "2026-03-15")]
    [InlineData("2026-03-14T15:30:00Z", "41", "2026-03-15")] // Kamchatka, UTC+12
    [InlineData("2026-03-14T23:30:00Z", "DE-BY", "2026-03-15")] // Berlin, UTC+1 in March
    [InlineData("2026-03-14T23:30:00Z", "PT-20", "2026-03-14")] // the Azores, UTC-1
    public void The_day_of_a_harm_is_the_local_date_at_its_place_whatever_offset_the_instant_came_in(string instant, string region, string day)
    {
        var at = DateTimeOffset.Parse(instant);
        var participation = new KnownParticipation(Guid.NewGuid(), Guid.NewGuid(), 1, "1027700132195", "Aero LLC", [region],
            new(2025, 1, 1), new(2027, 12, 31), Cited,
            [new CitedPolicy(Policy("OLD", new(2025, 1, 1), new(2026, 3, 14)), At, Cited),
                new CitedPolicy(Policy("NEW", new(2026, 3, 15), new(2026, 12, 31)), At, Cite(ServiceNames.SandboxApplications, 2))], [], []);
        var deployment = Deployment(At.AddDays(-30), region: region);
        var incident = State(Reported(Request() with { OccurredAt = at, Location = new Location(region, null) }));

        var when = Triage.Instants(incident, Eu, Now);
        var r = Triage.Resolve(when, deployment, null, null, participation, null);

        Assert.Equal(DateOnly.Parse(day), when.LocalDate);
        Assert.Equal(day == "2026-03-15" ? "NEW" : "OLD", r.InsurancePolicy!.PolicyNumber);
        Assert.Equal(new ResolvedAt(at, Now, Eu.ZoneOf(region).Id, DateOnly.Parse(day)), r.Instants);
    }

    [Fact]
    public void Without_a_policy_valid_that_day_none_is_resolved()
    {
        var deployment = Deployment(At.AddDays(-30));
        var participation = new KnownParticipation(deployment.ParticipationId, Guid.NewGuid(), 1, "1027700132195", "Aero LLC", ["77"],
            new(2025, 1, 1), new(2027, 12, 31), Cited, [new CitedPolicy(Policy("OLD", new(2025, 1, 1), new(2025, 12, 31)), At, Cited)], [], []);

        var r = Triage.Resolve(When(At), deployment, null, null, participation, null);

        Assert.Null(r.InsurancePolicy);
        Assert.Null(r.ResponsiblePersons);
        Assert.Null(r.Programme);
        Assert.Equal(deployment.Source, r.Version.Source); // the version is known from the deployment's message alone
    }

    private static Published.InsurancePolicy Policy(string number, DateOnly from, DateOnly to) =>
        new("Insurer JSC", "7707083893", number, new Money(2_000_000m, "RUB"), ["health"], true, from, to);

    [Fact]
    public void Linking_records_the_resolution_and_starts_the_commission_clock()
    {
        var incident = State(Reported());
        var resolution = Resolution();

        var e = Triage.Link(incident, resolution, false, null, Eu, Regulator, Now);

        Assert.Equal(new IncidentLinked(incident.Id, resolution, false, null, Now.AddDays(30), Regulator, Now), e);
        var state = Incident.When(incident, e)!;
        Assert.Equal(IncidentStatus.Linked, state.Status);
        // A link recorded without its instants (as before the bitemporal change) reads with them filled in.
        Assert.Equal(resolution.WithInstants(incident.OccurredAt, Now), state.Resolution);
        Assert.NotNull(state.Resolution!.Instants);
    }

    [Fact]
    public void An_explicit_link_keeps_its_reason()
    {
        var incident = State(Reported());

        var e = Triage.Link(incident, Resolution() with { Deployment = null }, true, " deployed without notice ", Eu, Regulator, Now);

        Assert.True(e.Explicit);
        Assert.Equal("deployed without notice", e.Reason);
    }

    [Fact]
    public void An_incident_is_triaged_once()
    {
        var reported = Reported();
        var linked = State(reported, Linked(State(reported)));

        Assert.Equal("already-triaged", Assert.Throws<DomainRuleViolation>(() =>
            Triage.Link(linked, Resolution(), false, null, Eu, Regulator, Now)).Code);
        Assert.Equal("already-triaged", Assert.Throws<DomainRuleViolation>(() =>
            Triage.NotAiRelated(linked, "x", Regulator, Now)).Code);
    }

    [Fact]
    public void Not_ai_related_is_recorded_with_its_reason()
    {
        var incident = State(Reported());

        var e = Triage.NotAiRelated(incident, " a human pilot flew it ", Regulator, Now);

        Assert.Equal(new IncidentFoundNotAiRelated(incident.Id, "a human pilot flew it", Regulator, Now), e);
        Assert.Equal(IncidentStatus.NotAiRelated, Incident.When(incident, e)!.Status);
    }

    [Fact]
    public void A_duplicate_is_marked_and_points_at_the_original()
    {
        var original = State(Reported());
        var duplicate = State(Reported());

        var e = Triage.MarkDuplicate(duplicate, original, new MarkDuplicateRequest(original.Id, "same drone"), Regulator, Now);

        Assert.Equal(new IncidentMarkedDuplicate(duplicate.Id, original.Id, "same drone", Regulator, Now), e);
        Assert.Equal(IncidentStatus.Duplicate, Incident.When(duplicate, e)!.Status);
    }

    [Fact]
    public void A_duplicate_needs_a_real_original_other_than_itself_and_not_itself_a_duplicate()
    {
        var incident = State(Reported());
        var markedDuplicate = State(Reported()) with { Status = IncidentStatus.Duplicate };

        Assert.Equal("duplicate-of-itself", Assert.Throws<DomainRuleViolation>(() =>
            Triage.MarkDuplicate(incident, incident, new MarkDuplicateRequest(incident.Id, null), Regulator, Now)).Code);
        Assert.Equal("unknown-original", Assert.Throws<DomainRuleViolation>(() =>
            Triage.MarkDuplicate(incident, null, new MarkDuplicateRequest(Guid.NewGuid(), null), Regulator, Now)).Code);
        Assert.Equal("original-is-a-duplicate", Assert.Throws<DomainRuleViolation>(() =>
            Triage.MarkDuplicate(incident, markedDuplicate, new MarkDuplicateRequest(markedDuplicate.Id, null), Regulator, Now)).Code);
    }
}
