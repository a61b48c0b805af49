using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Contracts;
using SandboxRegistry.IncidentClaims.AiSystems;
using SandboxRegistry.IncidentClaims.Participations;
using SandboxRegistry.Testing;
using Apps = SandboxRegistry.Contracts.SandboxApplications;
using Registry = SandboxRegistry.Contracts.AiSystemRegistry;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>The local copies of SandboxApplications' and AiSystemRegistry's messages, fed over the real broker.</summary>
public class ReadModelTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    [Fact]
    public async Task A_participation_keeps_its_policy_and_register_history_each_with_its_citation_and_redeliveries_apply_once()
    {
        var world = new World(fixture.Host);
        await world.Ready();
        var id = Guid.NewGuid();
        var person = new Apps.ResponsiblePerson(Guid.NewGuid(), "Anna Smirnova", "CTO", "autopilot", new(2026, 1, 1), null);
        var successor = new Apps.ResponsiblePerson(Guid.NewGuid(), "Boris Kuznetsov", "CTO", "autopilot", new(2026, 7, 1), null);
        var granted = new Apps.ParticipationGranted(world.Cite(ServiceNames.SandboxApplications, id), id, Guid.NewGuid(), Guid.NewGuid(), 1,
            World.Ogrn, "Aero LLC", ["77"], new(2026, 1, 1), new(2027, 12, 31), World.Policy("POL-2026", new(2026, 1, 1), new(2026, 12, 31)),
            [person], world.Now);
        var renewed = new Apps.InsuranceRenewed(world.Cite(ServiceNames.SandboxApplications, id), id,
            World.Policy("POL-2027", new(2027, 1, 1), new(2027, 12, 31)), world.Now);
        var changed = new Apps.ResponsiblePersonsChanged(world.Cite(ServiceNames.SandboxApplications, id), id,
            [person with { ValidTo = new DateOnly(2026, 6, 30) }, successor], world.Now);
        var suspended = new Apps.ParticipationSuspended(world.Cite(ServiceNames.SandboxApplications, id), id,
            Apps.SuspensionGrounds.CommissionConclusion, "harm", world.Now);

        await world.Publish(granted);
        await world.Publish(renewed);
        await world.Publish(renewed); // redelivered
        await world.Publish(changed);
        await world.Publish(suspended);
        var known = await world.Eventually(async s => await s.LoadAsync<KnownParticipation>(id) is { StatusHistory.Count: 2, Registers.Count: 2, Policies.Count: 2 } p
            ? p : null, "the participation's whole history should be applied");

        Assert.Equal(["POL-2026", "POL-2027"], known.Policies.Select(p => p.Policy.PolicyNumber));
        Assert.Equal(renewed.Source, known.PolicyOn(new DateOnly(2027, 3, 1))!.Source);
        Assert.Equal(granted.Source, known.PolicyOn(new DateOnly(2026, 3, 1))!.Source);
        Assert.Null(known.PolicyOn(new DateOnly(2028, 1, 1)));
        Assert.Equal(["Anna Smirnova"], known.ResponsibleOn(new DateOnly(2026, 3, 1))!.Value.Persons.Select(p => p.FullName));
        Assert.Equal(["Boris Kuznetsov"], known.ResponsibleOn(new DateOnly(2026, 8, 1))!.Value.Persons.Select(p => p.FullName));
        Assert.Equal(changed.Source, known.ResponsibleOn(new DateOnly(2026, 8, 1))!.Value.Source);
        Assert.Equal(["granted", "suspended"], known.StatusHistory.Select(s => s.Status));
        Assert.Equal(suspended.Source, known.StatusHistory[1].Source);
    }

    [Fact]
    public async Task Systems_versions_and_deployments_keep_their_lifecycle_with_citations()
    {
        var world = new World(fixture.Host);
        await world.Ready();
        var systemId = Guid.NewGuid();
        var versionId = Guid.NewGuid();
        var deploymentId = Guid.NewGuid();
        var registered = new Registry.AiSystemRegistered(world.Cite(ServiceNames.AiSystemRegistry, systemId), systemId, World.Ogrn, "SkyDrop",
            "Delivery", "unmannedAircraft", "Aero Dev", null, "Aero LLC", "autonomous", "high", "deepLearning", world.Now);
        var released = new Registry.AiSystemVersionReleased(world.Cite(ServiceNames.AiSystemRegistry, systemId), systemId, versionId, "2.0",
            new string('f', 64), world.Now, "rewrite");
        var deployed = new Registry.AiSystemDeployed(world.Cite(ServiceNames.AiSystemRegistry, deploymentId), deploymentId, systemId, versionId,
            "2.0", new string('f', 64), Guid.NewGuid(), World.Ogrn, ["77"], world.Now.AddDays(-5), null, world.Now.AddDays(-5));
        var ended = new Registry.DeploymentEnded(world.Cite(ServiceNames.AiSystemRegistry, deploymentId), deploymentId, "replaced", world.Now.AddDays(-1));
        var recalled = new Registry.AiSystemVersionRecalled(world.Cite(ServiceNames.AiSystemRegistry, systemId), systemId, versionId, "2.0",
            "unsafe", world.Now);
        var suspended = new Registry.AiSystemSuspended(world.Cite(ServiceNames.AiSystemRegistry, systemId), systemId, "commission", world.Now);

        foreach (var message in new ICitedMessage[] { registered, released, deployed, ended, recalled, suspended })
            await world.Publish((dynamic)message);

        var system = await world.Eventually(async s => await s.LoadAsync<KnownAiSystem>(systemId) is { Status: "suspended" } x ? x : null,
            "the system's suspension should be applied");
        var version = await world.Eventually(async s => await s.LoadAsync<KnownVersion>(versionId) is { RecalledAt: not null } v ? v : null,
            "the recall should be applied");
        var deployment = await world.Eventually(async s => await s.LoadAsync<KnownDeployment>(deploymentId) is { EndedAt: not null } d ? d : null,
            "the end should be applied");

        Assert.Equal([registered.Source, suspended.Source], system.Sources);
        Assert.Equal(released.Source, version.Source);
        Assert.Equal(recalled.Source, version.RecallSource);
        Assert.Equal(deployed.Source, deployment.Source);
        Assert.Equal(ended.Source, deployment.EndSource);
        Assert.True(deployment.ActiveAt(world.Now.AddDays(-2), "77"));
        Assert.False(deployment.ActiveAt(world.Now, "77"));

        var auditor = fixture.Host.Client(Tokens.Auditor());
        var view = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/known/ai-systems/{systemId}");
        Assert.Equal("suspended", view.GetProperty("system").GetProperty("status").GetString());
        Assert.Equal(["2.0"], view.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        var known = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/known/deployments/{deploymentId}");
        Assert.Equal(ended.Source.EventId, known.GetProperty("endSource").GetProperty("eventId").GetGuid());
        var active = await auditor.GetFromJsonAsync<JsonElement>(
            $"/api/v1/known/deployments?region=77&at={Uri.EscapeDataString(world.Now.AddDays(-2).ToString("O"))}");
        Assert.Contains(active.Items(), d => d.GetProperty("id").GetGuid() == deploymentId);
        var later = await auditor.GetFromJsonAsync<JsonElement>(
            $"/api/v1/known/deployments?region=77&at={Uri.EscapeDataString(world.Now.ToString("O"))}");
        Assert.DoesNotContain(later.Items(), d => d.GetProperty("id").GetGuid() == deploymentId);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden,
            (await fixture.Host.Client(Tokens.Integration("gosuslugi")).GetAsync($"/api/v1/known/deployments/{deploymentId}")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await auditor.GetAsync($"/api/v1/known/participations/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task An_amended_regime_keeps_every_programme_version_in_the_public_register()
    {
        var world = new World(fixture.Host);
        await world.Ready();
        var regimeId = Guid.NewGuid();
        var insurance = new Apps.InsuranceRequirements(new Money(1_000_000m, "RUB"), ["health"], true);
        var established = new Apps.RegimeEstablished(world.Cite(ServiceNames.SandboxApplications, regimeId), regimeId, 1, "Drones", "unmannedAircraft",
            "Decree 1", ["77"], new(2026, 1, 1), new(2027, 12, 31), insurance, world.Now.AddDays(-30));
        var amended = new Apps.RegimeAmended(world.Cite(ServiceNames.SandboxApplications, regimeId), regimeId, 2, "Drones at night", "unmannedAircraft",
            "Decree 2", ["77", "50"], new(2026, 1, 1), new(2027, 12, 31), insurance, world.Now);

        await world.Publish(established);
        await world.Publish(amended);

        var client = fixture.Host.Client();
        var regime = await Eventually.Until(async () =>
        {
            var response = await client.GetAsync($"/api/v1/regimes/{regimeId}");
            if (!response.IsSuccessStatusCode) return (JsonElement?)null;
            var r = await response.Content.ReadFromJsonAsync<JsonElement>();
            return r.GetProperty("programmeVersions").GetArrayLength() == 2 ? r : null;
        }, because: "both programme versions should be public");
        Assert.Equal("Drones at night", regime.GetProperty("title").GetString());
        Assert.Equal(2, regime.GetProperty("programmeVersion").GetInt32());
        var versions = regime.GetProperty("programmeVersions").EnumerateArray().ToList();
        Assert.Equal(["Decree 1", "Decree 2"], versions.Select(v => v.GetProperty("legalBasis").GetString()));
        Assert.Equal(established.Source.EventId, versions[0].GetProperty("source").GetProperty("eventId").GetGuid());
        Assert.Equal(amended.Source.EventId, versions[1].GetProperty("source").GetProperty("eventId").GetGuid());
    }
}
