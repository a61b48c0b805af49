using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Contracts;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;
using Out = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

public class TriageTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator("reg-ivanova"));

    private static void AssertCites(JsonElement element, SourceCitation expected)
    {
        var source = element.GetProperty("source");
        Assert.Equal(expected.Service, source.GetProperty("service").GetString());
        Assert.Equal(expected.StreamId, source.GetProperty("streamId").GetGuid());
        Assert.Equal(expected.StreamVersion, source.GetProperty("streamVersion").GetInt64());
        Assert.Equal(expected.EventId, source.GetProperty("eventId").GetGuid());
        Assert.Equal(expected.Sequence, source.GetProperty("sequence").GetInt64());
    }

    private async Task<JsonElement> Dossier(Guid id, HttpClient? client = null)
    {
        var response = await (client ?? Regulator).GetAsync($"/api/v1/incidents/{id}/dossier");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Triage_links_the_report_to_the_version_deployed_there_and_then_with_every_citation()
    {
        var world = new World(fixture.Host);
        var seeded = await world.SeedDeployedSystem();
        var published = await Published.Listen(fixture.Host);
        var id = await File(Portal, Body(occurredAt: world.Now.AddDays(-20)));

        var linked = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { });

        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        Assert.Equal("\"3\"", linked.Headers.ETag?.Tag); // the link and the preservation hold of a serious incident
        var dossier = await Dossier(id);
        Assert.Equal("linked", dossier.GetProperty("status").GetString());
        var triage = dossier.GetProperty("triage");
        Assert.Equal("linked", triage.GetProperty("outcome").GetString());
        Assert.False(triage.GetProperty("explicit").GetBoolean());
        Assert.Equal("reg-ivanova", triage.GetProperty("by").GetString());
        Assert.Equal(ServiceNames.IncidentClaims, triage.GetProperty("source").GetProperty("service").GetString());
        Assert.Equal(2, triage.GetProperty("source").GetProperty("streamVersion").GetInt64());
        Assert.Equal(id, triage.GetProperty("source").GetProperty("streamId").GetGuid());

        var deployment = dossier.GetProperty("deployment");
        Assert.Equal(seeded.Deployment10.DeploymentId, deployment.GetProperty("deploymentId").GetGuid());
        AssertCites(deployment, seeded.Deployment10.Source);
        var version = dossier.GetProperty("version");
        Assert.Equal("1.0", version.GetProperty("version").GetString());
        Assert.Equal(new string('1', 64), version.GetProperty("artifactSha256").GetString());
        AssertCites(version, seeded.Version10.Source);
        Assert.Equal("SkyDrop", dossier.GetProperty("aiSystem").GetProperty("name").GetString());
        AssertCites(dossier.GetProperty("aiSystem"), seeded.AiSystem.Source);
        Assert.Equal(World.Ogrn, dossier.GetProperty("participation").GetProperty("companyOgrn").GetString());
        AssertCites(dossier.GetProperty("participation"), seeded.Participation.Source);
        var programme = dossier.GetProperty("programme");
        Assert.Equal(1, programme.GetProperty("programmeVersion").GetInt32()); // v2 came into force after the incident
        AssertCites(programme, seeded.Regime.Source);
        Assert.Equal("POL-1", dossier.GetProperty("insurancePolicy").GetProperty("policyNumber").GetString());
        AssertCites(dossier.GetProperty("insurancePolicy"), seeded.Participation.Source);
        var persons = dossier.GetProperty("responsiblePersons");
        Assert.Equal(["Anna Smirnova"], persons.GetProperty("persons").EnumerateArray().Select(p => p.GetProperty("fullName").GetString()));
        AssertCites(persons, seeded.Participation.Source);
        var report = dossier.GetProperty("report");
        Assert.Equal("Ivan Petrov", report.GetProperty("reporter").GetProperty("fullName").GetString());
        Assert.Equal("gosuslugi", report.GetProperty("filedBy").GetString());
        Assert.Equal(1, report.GetProperty("source").GetProperty("streamVersion").GetInt64());

        var message = await published.One<Out.IncidentLinkedToAiSystem>(m => m.IncidentId == id);
        Assert.Equal(seeded.Version10.VersionId, message.VersionId);
        Assert.Equal(seeded.Deployment10.DeploymentId, message.DeploymentId);
        Assert.Equal(seeded.Participation.ParticipationId, message.ParticipationId);
        Assert.Equal(2, message.Source.StreamVersion);
        var reported = await published.One<Out.HarmIncidentReported>(m => m.IncidentId == id);
        Assert.True(reported.Serious);
        Assert.DoesNotContain("Ivan Petrov", JsonSerializer.Serialize(reported));
    }

    [Fact]
    public async Task After_the_switchover_the_same_place_links_to_the_newer_version()
    {
        var world = new World(fixture.Host);
        var seeded = await world.SeedDeployedSystem(region: "50");
        var id = await File(Portal, Body(occurredAt: world.Now.AddDays(-2), region: "50"));

        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { });

        var dossier = await Dossier(id);
        Assert.Equal(seeded.Version11.VersionId, dossier.GetProperty("version").GetProperty("versionId").GetGuid());
        Assert.Equal(seeded.Deployment11.DeploymentId, dossier.GetProperty("deployment").GetProperty("deploymentId").GetGuid());
    }

    [Fact]
    public async Task When_nothing_was_deployed_there_and_then_the_regulator_links_explicitly_with_a_reason()
    {
        var world = new World(fixture.Host);
        var seeded = await world.SeedDeployedSystem(region: "66");
        var id = await File(Portal, Body(occurredAt: world.Now.AddDays(-20), region: "67"));

        var refused = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { });

        Assert.Equal("no-deployment-at-occurrence", (await Responses.AssertProblem(refused, HttpStatusCode.Conflict)).GetProperty("code").GetString());

        var linked = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/explicit-link", new
        {
            versionId = seeded.Version10.VersionId,
            participationId = seeded.Participation.ParticipationId,
            reason = "Flown outside its territory, as the operator admitted.",
        });

        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        var dossier = await Dossier(id);
        Assert.True(dossier.GetProperty("triage").GetProperty("explicit").GetBoolean());
        Assert.Equal("Flown outside its territory, as the operator admitted.", dossier.GetProperty("triage").GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, dossier.GetProperty("deployment").ValueKind);
        AssertCites(dossier.GetProperty("version"), seeded.Version10.Source);
        Assert.Equal("POL-1", dossier.GetProperty("insurancePolicy").GetProperty("policyNumber").GetString());
    }

    [Fact]
    public async Task An_explicit_link_needs_a_reason_and_a_known_version()
    {
        var id = await File(Portal, Body());

        var noReason = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/explicit-link", new { versionId = Guid.NewGuid(), reason = "" });
        var unknown = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/explicit-link", new { versionId = Guid.NewGuid(), reason = "x" });

        Assert.True((await Responses.AssertProblem(noReason, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal("unknown-version", (await Responses.AssertProblem(unknown, HttpStatusCode.Conflict)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_suspended_deployment_does_not_match_during_its_suspension()
    {
        var world = new World(fixture.Host);
        var seeded = await world.SeedDeployedSystem(region: "16");
        var deploymentId = seeded.Deployment10.DeploymentId;
        await world.Publish(new Contracts.AiSystemRegistry.DeploymentSuspended(world.Cite(ServiceNames.AiSystemRegistry, deploymentId),
            deploymentId, "audit", world.Now.AddDays(-30)));
        await world.Publish(new Contracts.AiSystemRegistry.DeploymentResumed(world.Cite(ServiceNames.AiSystemRegistry, deploymentId),
            deploymentId, world.Now.AddDays(-25)));
        await world.Eventually(async s => await s.LoadAsync<AiSystems.KnownDeployment>(deploymentId) is { Suspensions: [{ Until: not null }] } d
            ? d : null, "the suspension and resumption should be applied");
        var during = await File(Portal, Body(occurredAt: world.Now.AddDays(-28), region: "16"));
        var after = await File(Portal, Body(occurredAt: world.Now.AddDays(-20), region: "16"));

        var refused = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{during}/link", new { });
        var linked = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{after}/link", new { });

        Assert.Equal("no-deployment-at-occurrence", (await Responses.AssertProblem(refused, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
    }

    [Fact]
    public async Task Not_ai_related_and_duplicate_reports_stay_on_record_marked()
    {
        var original = await File(Portal, Body());
        var duplicate = await File(Portal, Body());
        var human = await File(Portal, Body());

        var marked = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{duplicate}/duplicate", new { duplicateOf = original, reason = "same event" });
        var dismissed = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{human}/not-ai-related-finding", new { reason = "a human pilot flew it" });
        var self = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{original}/duplicate", new { duplicateOf = original });

        Assert.Equal(HttpStatusCode.OK, marked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, dismissed.StatusCode);
        Assert.Equal("duplicate-of-itself", (await Responses.AssertProblem(self, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        var duplicateDossier = await Dossier(duplicate);
        Assert.Equal("duplicate", duplicateDossier.GetProperty("status").GetString());
        Assert.Equal(original, duplicateDossier.GetProperty("triage").GetProperty("duplicateOf").GetGuid());
        Assert.Equal("reported", (await Dossier(original)).GetProperty("status").GetString());
        Assert.Equal("notAiRelated", (await Dossier(human)).GetProperty("triage").GetProperty("outcome").GetString());
        var status = await Portal.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{duplicate}/status");
        Assert.Equal("duplicate", status.GetProperty("status").GetString());
        var duplicates = await Regulator.AllItems("/api/v1/incidents?status=duplicate");
        Assert.Contains(duplicates, i => i.GetProperty("id").GetGuid() == duplicate);
        Assert.All(duplicates, i => Assert.Equal("duplicate", i.GetProperty("status").GetString()));
        var unknown = await Regulator.GetAsync("/api/v1/incidents?status=lost");
        Assert.True((await Responses.AssertProblem(unknown, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("status", out _));
    }

    [Fact]
    public async Task A_stale_if_match_is_a_412()
    {
        var id = await File(Portal, Body());
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/incidents/{id}/not-ai-related-finding")
        {
            Content = JsonContent.Create(new { reason = "x" }),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"7\""));

        var response = await Regulator.SendAsync(request);

        Assert.Equal("stale-version", (await Responses.AssertProblem(response, HttpStatusCode.PreconditionFailed)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_current_if_match_is_accepted()
    {
        var id = await File(Portal, Body());
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/incidents/{id}/not-ai-related-finding")
        {
            Content = JsonContent.Create(new { reason = "x" }),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));

        var response = await Regulator.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("integration")]
    [InlineData("auditor")]
    [InlineData("applicant")]
    public async Task Only_regulators_triage(string role)
    {
        var id = await File(Portal, Body());
        var token = role switch
        {
            "integration" => Tokens.Integration("gosuslugi"),
            "auditor" => Tokens.Auditor(),
            _ => Tokens.Applicant(World.Ogrn),
        };

        var response = await fixture.Host.Client(token).PostAsJsonAsync($"/api/v1/incidents/{id}/not-ai-related-finding", new { reason = "x" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Triage_of_an_unknown_incident_is_a_404()
    {
        var response = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{Guid.NewGuid()}/not-ai-related-finding", new { reason = "x" });

        await Responses.AssertProblem(response, HttpStatusCode.NotFound);
    }
}
