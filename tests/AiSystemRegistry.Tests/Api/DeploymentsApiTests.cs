using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

public class DeploymentsApiTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private readonly Scenario S = new(fixture.Host);

    [Fact]
    public async Task The_owner_deploys_a_released_version_under_its_active_participation_and_anyone_reads_it()
    {
        var participation = await S.GrantParticipationAsync();
        var system = await S.RegisterSystemAsync();
        var version = await S.ReleaseAsync(system, "1.0.0");
        var from = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var until = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        var created = await S.Owner.PostAsJsonAsync("/api/v1/deployments",
            Scenario.DeployRequest(system, version, participation, ["77", "50"], from, until));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/deployments/{id}", created.Headers.Location?.ToString());
        var read = await S.Anonymous.GetAsync($"/api/v1/deployments/{id}");
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        var d = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, d.GetProperty("id").GetGuid());
        Assert.Equal(system, d.GetProperty("aiSystemId").GetGuid());
        Assert.Equal(version, d.GetProperty("versionId").GetGuid());
        Assert.Equal("1.0.0", d.GetProperty("version").GetString());
        Assert.Equal(new string('a', 64), d.GetProperty("artifactSha256").GetString());
        Assert.Equal(participation, d.GetProperty("participationId").GetGuid());
        Assert.Equal(Scenario.Acme, d.GetProperty("ownerOgrn").GetString());
        Assert.Equal(["77", "50"], d.GetProperty("territory").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(from, d.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(until, d.GetProperty("until").GetDateTimeOffset());
        Assert.Equal("active", d.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, d.GetProperty("statusReason").ValueKind);
        Assert.Equal(1, d.GetProperty("streamVersion").GetInt64());
    }

    [Fact]
    public async Task Suspending_the_participation_suspends_its_deployments_and_resuming_it_resumes_them()
    {
        var participation = await S.GrantParticipationAsync();
        var system = await S.RegisterSystemAsync();
        var version = await S.ReleaseAsync(system, "1.0.0");
        var first = await S.DeployAsync(system, version, participation, ["77"]);
        var second = await S.DeployAsync(system, version, participation, ["50"]);
        var ended = await S.DeployAsync(system, version, participation, ["50"]);
        Assert.Equal(HttpStatusCode.OK,
            (await S.Owner.PostAsJsonAsync($"/api/v1/deployments/{ended}/ending", new { reason = "Pilot over" })).StatusCode);

        await S.PublishAsync(new Published.ParticipationSuspended(S.Cite(participation, 2), participation,
            Published.SuspensionGrounds.InsuranceLapsed, "The policy expired", DateTimeOffset.UtcNow));

        var suspended = await S.WaitForDeploymentStatus(first, "suspended");
        Assert.Equal("The participation was suspended (insuranceLapsed): The policy expired", suspended.GetProperty("statusReason").GetString());
        await S.WaitForDeploymentStatus(second, "suspended");
        Assert.Equal("ended", (await S.DeploymentAsync(ended)).GetProperty("status").GetString());
        var history = (await S.Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/deployments/{first}/history")).GetProperty("items");
        var automatic = history[1];
        Assert.Equal("deployment_suspended", automatic.GetProperty("type").GetString());
        Assert.Equal("service:ai-system-registry", automatic.GetProperty("data").GetProperty("suspendedBy").GetProperty("subject").GetString());
        var refused = await S.Owner.PostAsJsonAsync("/api/v1/deployments", Scenario.DeployRequest(system, version, participation));
        await Responses.AssertProblem(refused, HttpStatusCode.Conflict, "participation-not-active");

        await S.PublishAsync(new Published.ParticipationResumed(S.Cite(participation, 3), participation, DateTimeOffset.UtcNow));

        var resumed = await S.WaitForDeploymentStatus(first, "active");
        Assert.Equal(3, resumed.GetProperty("streamVersion").GetInt64());
        await S.WaitForDeploymentStatus(second, "active");
        Assert.Equal("ended", (await S.DeploymentAsync(ended)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Terminating_or_expiring_a_participation_ends_its_deployments()
    {
        var terminated = await S.GrantParticipationAsync();
        var expired = await S.GrantParticipationAsync();
        var system = await S.RegisterSystemAsync();
        var version = await S.ReleaseAsync(system, "1.0.0");
        var underTerminated = await S.DeployAsync(system, version, terminated);
        var underExpired = await S.DeployAsync(system, version, expired);

        await S.PublishAsync(new Published.ParticipationTerminated(S.Cite(terminated, 2), terminated, "Gross breach", DateTimeOffset.UtcNow));
        await S.PublishAsync(new Published.ParticipationExpired(S.Cite(expired, 2), expired, Scenario.TermEnd, DateTimeOffset.UtcNow));

        var a = await S.WaitForDeploymentStatus(underTerminated, "ended");
        Assert.Equal("The participation was terminated: Gross breach", a.GetProperty("statusReason").GetString());
        var b = await S.WaitForDeploymentStatus(underExpired, "ended");
        Assert.Equal("The participation's term ended on 2028-12-31.", b.GetProperty("statusReason").GetString());
    }

    [Fact]
    public async Task Time_travel_answers_which_version_was_deployed_in_a_region_at_each_instant()
    {
        var participation = await S.GrantParticipationAsync();
        var system = await S.RegisterSystemAsync("Lane keeper");
        var v10 = await S.ReleaseAsync(system, "1.0.0", 'b');
        var first = await S.DeployAsync(system, v10, participation, ["77"]);
        var whileOne = DateTimeOffset.UtcNow;
        var v11 = await S.ReleaseAsync(system, "1.1.0", 'c');
        Assert.Equal(HttpStatusCode.OK,
            (await S.Owner.PostAsJsonAsync($"/api/v1/deployments/{first}/ending", new { reason = "Replaced by 1.1.0" })).StatusCode);
        var second = await S.DeployAsync(system, v11, participation, ["77"]);
        var whileOneOne = DateTimeOffset.UtcNow;

        var then = await Active("77", whileOne, system);
        var now = await Active("77", whileOneOne, system);

        var one = Assert.Single(then);
        Assert.Equal(first, one.GetProperty("deploymentId").GetGuid());
        Assert.Equal("1.0.0", one.GetProperty("version").GetString());
        Assert.Equal(new string('b', 64), one.GetProperty("artifactSha256").GetString());
        Assert.Equal("Lane keeper", one.GetProperty("aiSystemName").GetString());
        var oneOne = Assert.Single(now);
        Assert.Equal(second, oneOne.GetProperty("deploymentId").GetGuid());
        Assert.Equal("1.1.0", oneOne.GetProperty("version").GetString());
        Assert.Empty(await Active("50", whileOne, system));

        var systemThen = await S.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{system}{Scenario.AsKnownAt(whileOne)}");
        Assert.Equal(["1.0.0"], systemThen.GetProperty("system").GetProperty("versions").EnumerateArray()
            .Select(v => v.GetProperty("version").GetString()));
        var deploymentThen = Assert.Single(systemThen.GetProperty("deployments").EnumerateArray());
        Assert.Equal("active", deploymentThen.GetProperty("status").GetString());
        var systemNow = await S.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{system}{Scenario.AsKnownAt(whileOneOne)}");
        Assert.Equal(["1.0.0", "1.1.0"], systemNow.GetProperty("system").GetProperty("versions").EnumerateArray()
            .Select(v => v.GetProperty("version").GetString()));
        // The view lists what was in service at the instant asked; the ended deployment's record is at /deployments/{id}.
        Assert.Equal([second], systemNow.GetProperty("deployments").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
        var firstThen = await S.DeploymentAsync(first, whileOne);
        Assert.Equal("active", firstThen.GetProperty("status").GetString());
        Assert.Equal("ended", (await S.DeploymentAsync(first)).GetProperty("status").GetString());
    }

    private async Task<IReadOnlyList<JsonElement>> Active(string region, DateTimeOffset at, Guid system)
    {
        // As the registry stood then (the second deployment was recorded with a from a minute before it was made).
        var all = await S.Anonymous.AllItems($"/api/v1/deployments/active?region={region}&{Scenario.AsKnownAt(at)[1..]}");
        return all.Where(d => d.GetProperty("aiSystemId").GetGuid() == system).ToList();
    }

    [Fact]
    public async Task Streams_written_by_requests_and_by_the_consumer_keep_an_unbroken_hash_chain()
    {
        var participation = await S.GrantParticipationAsync();
        var system = await S.RegisterSystemAsync();
        var version = await S.ReleaseAsync(system, "1.0.0");
        await S.ReleaseAsync(system, "1.0.1", 'b');
        var deployment = await S.DeployAsync(system, version, participation);
        await S.PublishAsync(new Published.ParticipationSuspended(S.Cite(participation, 2), participation,
            Published.SuspensionGrounds.RegulatorDecision, "Inspection", DateTimeOffset.UtcNow));
        await S.WaitForDeploymentStatus(deployment, "suspended");
        await S.Owner.PostAsJsonAsync($"/api/v1/deployments/{deployment}/ending", new { reason = "Over" });

        foreach (var (stream, events) in new[] { (system, 3L), (deployment, 3L) })
        {
            var verified = await S.Auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/streams/{stream}/verify");
            Assert.True(verified.GetProperty("valid").GetBoolean(), verified.ToString());
            Assert.Equal(events, verified.GetProperty("eventsChecked").GetInt64());
        }
        var history = (await S.Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/deployments/{deployment}/history")).GetProperty("items");
        Assert.Equal(history[0].GetProperty("hash").GetString(), history[1].GetProperty("previousHash").GetString());
    }
}
