using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

/// <summary>
/// Facts recorded after they happened, as a new user records them: every read takes the valid time (at: what was in service
/// then) and the recorded time (knownAt: what the registry had recorded by then, now by default).
/// </summary>
public class BitemporalApiTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private readonly Scenario S = new(fixture.Host);

    private async Task<Guid> DeployFrom(Guid system, Guid version, Guid participation, DateTimeOffset from, string region)
    {
        var response = await S.Owner.PostAsJsonAsync("/api/v1/deployments",
            Scenario.DeployRequest(system, version, participation, [region], from));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<IReadOnlyList<(Guid Deployment, string Version)>> InService(string region, DateTimeOffset at, Guid system,
        DateTimeOffset? knownAt = null)
    {
        var all = await S.Anonymous.AllItems($"/api/v1/deployments/active?region={region}&{Scenario.At(at, knownAt)[1..]}");
        return all.Where(d => d.GetProperty("aiSystemId").GetGuid() == system)
            .Select(d => (d.GetProperty("deploymentId").GetGuid(), d.GetProperty("version").GetString()!)).ToList();
    }

    [Fact]
    public async Task A_deployment_recorded_today_from_sixty_days_ago_is_in_service_a_month_ago_as_known_now_and_not_as_known_then()
    {
        var participation = await S.GrantParticipationAsync(territory: ["77"]);
        var system = await S.RegisterSystemAsync("Late recorder");
        var version = await S.ReleaseAsync(system, "1.0.0");
        var now = DateTimeOffset.UtcNow;
        var monthAgo = now.AddDays(-30);
        var deployment = await DeployFrom(system, version, participation, now.AddDays(-60), "77");

        Assert.Equal([(deployment, "1.0.0")], await InService("77", monthAgo, system));
        Assert.Empty(await InService("77", monthAgo, system, knownAt: monthAgo));
        Assert.Empty(await InService("77", now.AddDays(-61), system));

        var view = await S.Owner.GetAsync($"/api/v1/ai-systems/{system}{Scenario.At(monthAgo)}");
        Assert.Equal(HttpStatusCode.OK, view.StatusCode); // not "not registered yet": it is on record now
        var then = await view.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(monthAgo, then.GetProperty("at").GetDateTimeOffset());
        var d = Assert.Single(then.GetProperty("deployments").EnumerateArray());
        Assert.Equal(deployment, d.GetProperty("id").GetGuid());
        Assert.True(d.GetProperty("inService").GetBoolean());
        Assert.Equal("active", d.GetProperty("status").GetString());
        Assert.Equal(["1.0.0"], then.GetProperty("system").GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        await Responses.AssertProblem(await S.Owner.GetAsync($"/api/v1/ai-systems/{system}{Scenario.At(monthAgo, monthAgo)}"),
            HttpStatusCode.NotFound);

        Assert.True((await S.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/deployments/{deployment}{Scenario.At(monthAgo)}"))
            .GetProperty("inService").GetBoolean());
        await Responses.AssertProblem(await S.Anonymous.GetAsync($"/api/v1/deployments/{deployment}{Scenario.At(monthAgo, monthAgo)}"),
            HttpStatusCode.NotFound);
        var register = await S.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/register/ai-systems/{system}{Scenario.At(monthAgo)}");
        Assert.True(Assert.Single(register.GetProperty("deployments").EnumerateArray()).GetProperty("inService").GetBoolean());
    }

    [Fact]
    public async Task A_replacement_made_ten_days_ago_is_recorded_with_its_instant_so_the_versions_never_overlap()
    {
        var participation = await S.GrantParticipationAsync(territory: ["77"]);
        var system = await S.RegisterSystemAsync("Replaced in the past");
        var v10 = await S.ReleaseAsync(system, "1.0.0", 'b');
        var now = DateTimeOffset.UtcNow;
        var d10 = await DeployFrom(system, v10, participation, now.AddDays(-60), "77");
        var v11 = await S.ReleaseAsync(system, "1.1.0", 'c');
        var beforeReplacement = DateTimeOffset.UtcNow;

        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync($"/api/v1/deployments/{d10}/ending",
            new { reason = "Replaced", endedAt = now.AddDays(-61) }), HttpStatusCode.Conflict, "ended-before-start");
        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync($"/api/v1/deployments/{d10}/ending",
            new { reason = "Replaced", endedAt = DateTimeOffset.UtcNow.AddHours(1) }), HttpStatusCode.Conflict, "ended-in-future");
        var ended = await S.Owner.PostAsJsonAsync($"/api/v1/deployments/{d10}/ending",
            new { reason = "Replaced by 1.1.0", endedAt = now.AddDays(-10) });
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        var d11 = await DeployFrom(system, v11, participation, now.AddDays(-10), "77");

        Assert.Equal([(d10, "1.0.0")], await InService("77", now.AddDays(-11), system));
        Assert.Equal([(d11, "1.1.0")], await InService("77", now.AddDays(-5), system));
        // What the registry said before the replacement was recorded: 1.0.0, five days ago too.
        Assert.Equal([(d10, "1.0.0")], await InService("77", now.AddDays(-5), system, knownAt: beforeReplacement));
        var endedView = await S.DeploymentAsync(d10);
        Assert.Equal("ended", endedView.GetProperty("status").GetString());
        Assert.Equal(now.AddDays(-10), endedView.GetProperty("endedAt").GetDateTimeOffset());
        Assert.Equal(now.AddDays(-10), endedView.GetProperty("statusChangedAt").GetDateTimeOffset());

        // The handover was in fact two days earlier: a correction with its reason, never an edit.
        var beforeCorrection = DateTimeOffset.UtcNow;
        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync($"/api/v1/deployments/{d10}/period-correction",
            new { from = now.AddDays(-60), endedAt = now.AddDays(-12) }), HttpStatusCode.BadRequest);
        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync($"/api/v1/deployments/{d11}/period-correction",
            new { from = now.AddDays(-10), endedAt = now.AddDays(-12), reason = "x" }), HttpStatusCode.Conflict, "deployment-not-ended");
        await Responses.AssertProblem(await S.OtherCompany.PostAsJsonAsync($"/api/v1/deployments/{d10}/period-correction",
            new { from = now.AddDays(-60), endedAt = now.AddDays(-12), reason = "x" }), HttpStatusCode.NotFound);
        var corrected = await S.Regulator.PostAsJsonAsync($"/api/v1/deployments/{d10}/period-correction",
            new { from = now.AddDays(-60), endedAt = now.AddDays(-12), reason = "The handover protocol is dated two days earlier" });
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        Assert.Equal("\"3\"", corrected.Headers.ETag?.Tag);

        Assert.Empty(await InService("77", now.AddDays(-11), system));
        Assert.Equal([(d10, "1.0.0")], await InService("77", now.AddDays(-11), system, knownAt: beforeCorrection));
        var history = (await S.Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/deployments/{d10}/history")).GetProperty("items");
        Assert.Equal(["ai_system_deployed", "deployment_ended", "deployment_period_corrected"],
            history.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("The handover protocol is dated two days earlier", history[2].GetProperty("data").GetProperty("reason").GetString());
        Assert.Equal(now.AddDays(-10), history[1].GetProperty("data").GetProperty("endedAt").GetDateTimeOffset());
        var record = (await S.DeploymentAsync(d10)).GetProperty("record");
        Assert.Equal(["deployed", "ended", "periodCorrected"], record.EnumerateArray().Select(f => f.GetProperty("change").GetString()));
        var verified = await S.Auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/streams/{d10}/verify");
        Assert.True(verified.GetProperty("valid").GetBoolean(), verified.ToString());
    }
}
