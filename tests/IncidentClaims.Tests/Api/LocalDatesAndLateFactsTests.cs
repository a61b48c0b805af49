using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Contracts;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;
using Apps = SandboxRegistry.Contracts.SandboxApplications;
using Registry = SandboxRegistry.Contracts.AiSystemRegistry;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>
/// Triage as a new user meets it: facts recorded after they happened (an end in the past, a corrected period), and instants
/// sent in whatever offset the integration uses. Everything arrives over the broker, as the other services publish it.
/// </summary>
public class LocalDatesAndLateFactsTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator("reg-ivanova"));

    private async Task<JsonElement> Dossier(Guid id) => await Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}/dossier");

    /// <summary>
    /// From day D on, a new policy and a new responsible person: the day of the harm at its place decides which apply.
    /// D is three weeks ago, while version 1.0 was in service.
    /// </summary>
    [Theory]
    [InlineData("25", -1, 14, 30, "Asia/Vladivostok", true)]   // 00:30 on D in Vladivostok (UTC+10): D-1 in UTC and in Moscow
    [InlineData("25", -1, 13, 30, "Asia/Vladivostok", false)]  // 23:30 on D-1 there
    [InlineData("39", -1, 22, 30, "Europe/Kaliningrad", true)] // 00:30 on D in Kaliningrad (UTC+2): D-1 in UTC
    [InlineData("39", -1, 21, 30, "Europe/Kaliningrad", false)] // 23:30 on D-1 there, already D in Moscow
    public async Task The_same_instant_sent_in_any_offset_picks_the_policy_and_persons_of_the_local_day_at_the_place_of_harm(
        string region, int dayOffset, int hour, int minute, string zone, bool onD)
    {
        var world = new World(fixture.Host);
        var seeded = await world.SeedDeployedSystem(region);
        var d = DateOnly.FromDateTime(world.Now.UtcDateTime.AddDays(-21));
        var participation = seeded.Participation;
        var anna = seeded.Person with { ValidTo = d.AddDays(-1) };
        var boris = new Apps.ResponsiblePerson(Guid.NewGuid(), "Boris Orlov", "Head of flight safety", "autopilot", d, null);
        await world.Publish(new Apps.InsuranceRenewed(world.Cite(ServiceNames.SandboxApplications, participation.ParticipationId),
            participation.ParticipationId, World.Policy("POL-NEW", d, participation.EndsOn), world.Now.AddDays(-30)));
        await world.Publish(new Apps.ResponsiblePersonsChanged(world.Cite(ServiceNames.SandboxApplications, participation.ParticipationId),
            participation.ParticipationId, [anna, boris], world.Now.AddDays(-30)));
        await world.Eventually(async s => await s.LoadAsync<IncidentClaims.Participations.KnownParticipation>(participation.ParticipationId)
            is { Policies.Count: 2, Registers.Count: 2 } p ? p : null, "the renewal and the new register should be known");

        var instant = new DateTimeOffset(d.AddDays(dayOffset).ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);
        var local = TimeZoneInfo.FindSystemTimeZoneById(zone).GetUtcOffset(instant);
        var expectedDay = onD ? d : d.AddDays(-1);
        foreach (var sent in new[] { instant, instant.ToOffset(TimeSpan.FromHours(3)), instant.ToOffset(local) })
        {
            var id = await File(Portal, Body(occurredAt: sent, region: region));
            // The cases share regions, so each names its own system (the cases' deployments overlap in time).
            var linked = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { aiSystemId = seeded.AiSystem.AiSystemId });
            Assert.True(linked.StatusCode == HttpStatusCode.OK, await linked.Content.ReadAsStringAsync());

            var dossier = await Dossier(id);
            var because = $"occurredAt sent as {sent:O}";
            Assert.True((onD ? "POL-NEW" : "POL-1") == dossier.GetProperty("insurancePolicy").GetProperty("policyNumber").GetString(), because);
            Assert.Equal([onD ? "Boris Orlov" : "Anna Smirnova"], dossier.GetProperty("responsiblePersons").GetProperty("persons")
                .EnumerateArray().Select(p => p.GetProperty("fullName").GetString()));
            Assert.Equal(expectedDay, DateOnly.Parse(dossier.GetProperty("responsiblePersons").GetProperty("asOf").GetString()!));
            var resolved = dossier.GetProperty("resolvedAt");
            Assert.Equal(instant, resolved.GetProperty("at").GetDateTimeOffset());
            Assert.Equal(zone, resolved.GetProperty("timeZone").GetString());
            Assert.Equal(expectedDay, DateOnly.Parse(resolved.GetProperty("localDate").GetString()!));
            Assert.Equal(dossier.GetProperty("triage").GetProperty("at").GetDateTimeOffset(), resolved.GetProperty("knownAt").GetDateTimeOffset());
            Assert.Equal(seeded.Version10.VersionId, dossier.GetProperty("version").GetProperty("versionId").GetGuid());
        }
    }

    [Fact]
    public async Task An_end_recorded_after_the_fact_and_a_corrected_period_decide_which_version_was_in_service_at_the_harm()
    {
        var world = new World(fixture.Host);
        var seeded = await world.SeedDeployedSystem("52");
        var d11 = seeded.Deployment11;
        // Ten days ago 1.1 replaced 1.0; five days ago the company rolled back to 1.0, and recorded both today.
        var rollback = Guid.NewGuid();
        await world.Publish(new Registry.DeploymentEnded(world.Cite(ServiceNames.AiSystemRegistry, d11.DeploymentId), d11.DeploymentId,
            "Rolled back to 1.0", world.Now.AddDays(-5), world.Now));
        await world.Publish(new Registry.AiSystemDeployed(world.Cite(ServiceNames.AiSystemRegistry, rollback), rollback, d11.AiSystemId,
            seeded.Version10.VersionId, "1.0", new string('1', 64), d11.ParticipationId, World.Ogrn, ["52"], world.Now.AddDays(-5), null,
            world.Now));
        await world.Eventually(async s => await s.LoadAsync<IncidentClaims.AiSystems.KnownDeployment>(d11.DeploymentId) is { EndedAt: not null } k
            ? k : null, "the end of 1.1 should be known");
        await world.Eventually(s => s.LoadAsync<IncidentClaims.AiSystems.KnownDeployment>(rollback), "the rollback should be known");

        var threeDaysAgo = await File(Portal, Body(occurredAt: world.Now.AddDays(-3), region: "52"));
        Assert.Equal(HttpStatusCode.OK, (await Regulator.PostAsJsonAsync($"/api/v1/incidents/{threeDaysAgo}/link", new { })).StatusCode);
        var dossier = await Dossier(threeDaysAgo);
        Assert.Equal(rollback, dossier.GetProperty("deployment").GetProperty("deploymentId").GetGuid());
        Assert.Equal("1.0", dossier.GetProperty("version").GetProperty("version").GetString());

        // The registry corrects 1.1's end: it ran until two days ago. Now two versions of the system were in service three days ago.
        await world.Publish(new Registry.DeploymentPeriodCorrected(world.Cite(ServiceNames.AiSystemRegistry, d11.DeploymentId), d11.DeploymentId,
            d11.From, null, world.Now.AddDays(-2), "The rollback reached region 52 three days late", world.Now));
        await world.Eventually(async s => await s.LoadAsync<IncidentClaims.AiSystems.KnownDeployment>(d11.DeploymentId)
            is { Corrections.Count: 1 } k ? k : null, "the correction should be known");
        var known = await world.Eventually(s => s.LoadAsync<IncidentClaims.AiSystems.KnownDeployment>(d11.DeploymentId), "known");
        Assert.Equal(world.Now.AddDays(-2), known.EndedAt);
        Assert.Equal("Rolled back to 1.0", known.EndReason);

        var ambiguous = await File(Portal, Body(occurredAt: world.Now.AddDays(-3), region: "52"));
        var refused = await Responses.AssertProblem(await Regulator.PostAsJsonAsync($"/api/v1/incidents/{ambiguous}/link", new { }),
            HttpStatusCode.Conflict, "several-deployments-match");
        var candidates = refused.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal([("SkyDrop", "1.0", "Aero LLC", World.Ogrn, rollback), ("SkyDrop", "1.1", "Aero LLC", World.Ogrn, d11.DeploymentId)],
            candidates.Select(c => (c.GetProperty("aiSystemName").GetString(), c.GetProperty("version").GetString(),
                c.GetProperty("companyName").GetString(), c.GetProperty("companyOgrn").GetString(), c.GetProperty("deploymentId").GetGuid())));
        Assert.Contains("SkyDrop version 1.1 of Aero LLC (OGRN 1027700132195)", refused.GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.OK, (await Regulator.PostAsJsonAsync($"/api/v1/incidents/{ambiguous}/link",
            new { deploymentId = d11.DeploymentId })).StatusCode);
        Assert.Equal("1.1", (await Dossier(ambiguous)).GetProperty("version").GetProperty("version").GetString());
    }
}
