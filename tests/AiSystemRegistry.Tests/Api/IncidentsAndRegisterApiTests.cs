using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Contracts;
using SandboxRegistry.Testing;
using Incidents = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

public class IncidentsAndRegisterApiTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private readonly Scenario S = new(fixture.Host);

    private static SourceCitation FromIncidentClaims(Guid incidentId, long version) =>
        new(ServiceNames.IncidentClaims, incidentId, version, Guid.NewGuid(), 500 + version);

    private static Incidents.IncidentLinkedToAiSystem Linked(Guid incident, Guid system, Guid version, long streamVersion = 2) =>
        new(FromIncidentClaims(incident, streamVersion), incident, system, version, "1.0.0", null, null, false, null, DateTimeOffset.UtcNow);

    private async Task<JsonElement> WaitForVersion(HttpClient client, Guid system, Func<JsonElement, bool> until)
    {
        return await Eventually.Until(async () =>
        {
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{system}");
            var v = view.GetProperty("system").GetProperty("versions")[0];
            return until(v) ? v : (JsonElement?)null;
        }, because: "the incident messages should be applied");
    }

    [Fact]
    public async Task Linked_incidents_are_counted_per_version_once_each_and_a_recall_recommendation_flags_the_version()
    {
        var system = await S.RegisterSystemAsync();
        var version = await S.ReleaseAsync(system, "1.0.0");
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var beforeLinks = DateTimeOffset.UtcNow;

        await S.PublishAsync(Linked(first, system, version));
        await S.PublishAsync(Linked(first, system, version, 3)); // re-triaged: same incident, new event
        await S.PublishAsync(Linked(second, system, version));
        var counted = await WaitForVersion(S.Owner, system, v => v.GetProperty("incidentCount").GetInt32() == 2);
        var links = await S.Owner.AllItems($"/api/v1/ai-systems/{system}/versions/{version}/incidents");
        Assert.Equal(new[] { first, second }.Order(), links.Select(i => i.GetProperty("id").GetGuid()).Order());
        Assert.Empty(await S.Owner.AllItems($"/api/v1/ai-systems/{system}/versions/{version}/incidents?knownAt={Scenario.Instant(beforeLinks)}"));
        var asKnownBefore = await S.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{system}{Scenario.At(DateTimeOffset.UtcNow, beforeLinks)}");
        Assert.Equal(0, asKnownBefore.GetProperty("system").GetProperty("versions")[0].GetProperty("incidentCount").GetInt32());
        await Responses.AssertProblem(await S.OtherCompany.GetAsync($"/api/v1/ai-systems/{system}/versions/{version}/incidents"),
            System.Net.HttpStatusCode.NotFound);

        var conclusion = new Incidents.CommissionConclusionIssued(FromIncidentClaims(first, 9), first, system, version, null, "established",
            [Incidents.Recommendations.RecallVersion, Incidents.Recommendations.SuspendParticipation], new Money(150_000m, "RUB"),
            DateTimeOffset.UtcNow);
        await S.PublishAsync(conclusion);

        var flagged = await WaitForVersion(S.Regulator, system, v => v.GetProperty("recallRecommended").GetBoolean());
        var c = Assert.Single(flagged.GetProperty("conclusions").EnumerateArray());
        Assert.Equal(first, c.GetProperty("incidentId").GetGuid());
        Assert.Equal("established", c.GetProperty("causalLink").GetString());
        Assert.Equal(["recallVersion", "suspendParticipation"], c.GetProperty("recommendations").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(conclusion.Source.EventId, c.GetProperty("source").GetProperty("eventId").GetGuid());
        Assert.Equal("released", flagged.GetProperty("status").GetString()); // a recommendation, not a recall
        var flaggedForRegulator = await S.Regulator.AllItems("/api/v1/ai-systems?recallRecommended=true");
        Assert.Contains(flaggedForRegulator, s => s.GetProperty("id").GetGuid() == system);
        Assert.All(flaggedForRegulator, s => Assert.Contains(s.GetProperty("versions").EnumerateArray(),
            v => v.GetProperty("recallRecommended").GetBoolean()));
        var flaggedForOwner = await S.Owner.AllItems("/api/v1/ai-systems?recallRecommended=true");
        Assert.Contains(flaggedForOwner, s => s.GetProperty("id").GetGuid() == system);
        var flaggedForRival = await S.OtherCompany.AllItems("/api/v1/ai-systems?recallRecommended=true");
        Assert.DoesNotContain(flaggedForRival, s => s.GetProperty("id").GetGuid() == system);
        var owners = await S.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{system}");
        Assert.True(owners.GetProperty("system").GetProperty("versions")[0].GetProperty("recallRecommended").GetBoolean());

        var publicView = await S.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/register/ai-systems/{system}");
        var pv = publicView.GetProperty("versions")[0];
        Assert.Equal(2, pv.GetProperty("incidentCount").GetInt32());
        Assert.False(pv.TryGetProperty("recallRecommended", out _));
        Assert.False(pv.TryGetProperty("conclusions", out _));
        Assert.False(pv.TryGetProperty("incidents", out _));
    }

    [Fact]
    public async Task A_conclusion_without_a_version_changes_nothing_here()
    {
        var system = await S.RegisterSystemAsync();
        var version = await S.ReleaseAsync(system, "1.0.0");
        var incident = Guid.NewGuid();
        await S.PublishAsync(new Incidents.CommissionConclusionIssued(FromIncidentClaims(incident, 5), incident, null, null, null,
            "notEstablished", [Incidents.Recommendations.None], null, DateTimeOffset.UtcNow));
        await S.PublishAsync(Linked(incident, system, version)); // published after it: once this is applied, so was the conclusion

        var v = await WaitForVersion(S.Owner, system, v => v.GetProperty("incidentCount").GetInt32() == 1);

        Assert.Equal(0, v.GetProperty("conclusions").GetArrayLength());
        Assert.False(v.GetProperty("recallRecommended").GetBoolean());
    }

    [Fact]
    public async Task The_public_register_lists_released_systems_with_versions_and_deployments_and_no_personal_data()
    {
        var participation = await S.GrantParticipationAsync();
        var draft = await S.RegisterSystemAsync("Unreleased draft");
        var system = await S.RegisterSystemAsync("Public shuttle pilot");
        var version = await S.ReleaseAsync(system, "1.0.0");
        var deployment = await S.DeployAsync(system, version, participation);

        var list = await S.Anonymous.AllItems("/api/v1/register/ai-systems");
        Assert.DoesNotContain(list, s => s.GetProperty("id").GetGuid() == draft);
        var listed = Assert.Single(list, s => s.GetProperty("id").GetGuid() == system);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("deployments").ValueKind);
        await Responses.AssertProblem(await S.Anonymous.GetAsync($"/api/v1/register/ai-systems/{draft}"), HttpStatusCode.NotFound);

        var read = await S.Anonymous.GetAsync($"/api/v1/register/ai-systems/{system}");
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);
        var raw = await read.Content.ReadAsStringAsync();
        var p = JsonDocument.Parse(raw).RootElement;
        Assert.Equal("Public shuttle pilot", p.GetProperty("name").GetString());
        Assert.Equal(Scenario.Acme, p.GetProperty("ownerOgrn").GetString());
        Assert.Equal("Acme Vision LLC", p.GetProperty("developerName").GetString());
        Assert.Equal("Acme Shuttles LLC", p.GetProperty("operatorName").GetString());
        Assert.Equal("transport", p.GetProperty("direction").GetString());
        Assert.Equal("humanOnTheLoop", p.GetProperty("autonomyLevel").GetString());
        Assert.Equal("high", p.GetProperty("riskClass").GetString());
        Assert.Equal("computerVision", p.GetProperty("technique").GetString());
        Assert.Equal("active", p.GetProperty("status").GetString());
        var v = Assert.Single(p.GetProperty("versions").EnumerateArray());
        Assert.Equal("1.0.0", v.GetProperty("version").GetString());
        Assert.Equal(0, v.GetProperty("incidentCount").GetInt32());
        var d = Assert.Single(p.GetProperty("deployments").EnumerateArray());
        Assert.Equal(deployment, d.GetProperty("id").GetGuid());
        Assert.Equal("active", d.GetProperty("status").GetString());
        // Who did what (people) is in the history, for the owner and officials only.
        Assert.DoesNotContain("acme-officer", raw);
        Assert.DoesNotContain("Ivan Ivanov", raw);
        Assert.DoesNotContain("By\"", raw);
    }
}
