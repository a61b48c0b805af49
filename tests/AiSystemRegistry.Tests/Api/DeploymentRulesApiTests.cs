using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.AiSystemRegistry.Participations;
using SandboxRegistry.Testing;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

public class DeploymentRulesApiTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private readonly Scenario S = new(fixture.Host);

    private async Task<(Guid Participation, Guid System, Guid Version)> ReadyToDeploy()
    {
        var participation = await S.GrantParticipationAsync();
        var system = await S.RegisterSystemAsync();
        return (participation, system, await S.ReleaseAsync(system, "1.0.0"));
    }

    [Fact]
    public async Task An_unknown_participation_is_a_409_naming_the_rule()
    {
        var (_, system, version) = await ReadyToDeploy();

        var response = await S.Owner.PostAsJsonAsync("/api/v1/deployments", Scenario.DeployRequest(system, version, Guid.NewGuid()));

        await Responses.AssertProblem(response, HttpStatusCode.Conflict, "unknown-participation");
    }

    [Fact]
    public async Task Another_companys_participation_is_refused()
    {
        var (_, system, version) = await ReadyToDeploy();
        var theirs = await S.GrantParticipationAsync(Scenario.Rival);

        var response = await S.Owner.PostAsJsonAsync("/api/v1/deployments", Scenario.DeployRequest(system, version, theirs));

        await Responses.AssertProblem(response, HttpStatusCode.Conflict, "participation-of-another-company");
    }

    [Fact]
    public async Task A_territory_outside_the_participation_is_refused_with_the_regions_named()
    {
        var (participation, system, version) = await ReadyToDeploy();

        var response = await S.Owner.PostAsJsonAsync("/api/v1/deployments",
            Scenario.DeployRequest(system, version, participation, ["77", "78"]));

        var problem = await Responses.AssertProblem(response, HttpStatusCode.Conflict, "territory-outside-participation");
        Assert.Equal("The participation does not cover: 78.", problem.GetProperty("detail").GetString());
    }

    // The participation runs in 77 and 50, one zone: its term runs from midnight to midnight in Moscow.
    [Theory]
    [InlineData("2025-12-31T20:59:59Z", null)]
    [InlineData("2026-06-01T00:00:00Z", "2029-01-01T00:00:01+03:00")]
    [InlineData("2029-01-01T00:00:00+03:00", null)]
    public async Task A_period_outside_the_participations_term_is_refused(string from, string? until)
    {
        var (participation, system, version) = await ReadyToDeploy();

        var response = await S.Owner.PostAsJsonAsync("/api/v1/deployments", Scenario.DeployRequest(system, version, participation, ["77"],
            DateTimeOffset.Parse(from), until is null ? null : DateTimeOffset.Parse(until)));

        await Responses.AssertProblem(response, HttpStatusCode.Conflict, "period-outside-participation-term");
    }

    [Fact]
    public async Task The_whole_term_up_to_the_end_of_its_last_day_is_allowed()
    {
        var (participation, system, version) = await ReadyToDeploy();

        var response = await S.Owner.PostAsJsonAsync("/api/v1/deployments", Scenario.DeployRequest(system, version, participation, ["77"],
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(3)), new DateTimeOffset(2029, 1, 1, 0, 0, 0, TimeSpan.FromHours(3))));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_recalled_or_deprecated_version_takes_no_new_deployments()
    {
        var (participation, system, recalled) = await ReadyToDeploy();
        var deprecated = await S.ReleaseAsync(system, "1.1.0", 'b');
        await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{system}/versions/{recalled}/recall", new { reason = "Misreads stop signs" });
        await S.Owner.PostAsync($"/api/v1/ai-systems/{system}/versions/{deprecated}/deprecation", null);

        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync("/api/v1/deployments",
            Scenario.DeployRequest(system, recalled, participation)), HttpStatusCode.Conflict, "version-recalled");
        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync("/api/v1/deployments",
            Scenario.DeployRequest(system, deprecated, participation)), HttpStatusCode.Conflict, "version-deprecated");
        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync("/api/v1/deployments",
            Scenario.DeployRequest(system, Guid.NewGuid(), participation)), HttpStatusCode.Conflict, "unknown-version");
    }

    [Fact]
    public async Task A_suspended_system_takes_no_new_deployments()
    {
        var (participation, system, version) = await ReadyToDeploy();
        await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{system}/suspension", new { reason = "Audit" });

        var response = await S.Owner.PostAsJsonAsync("/api/v1/deployments", Scenario.DeployRequest(system, version, participation));

        await Responses.AssertProblem(response, HttpStatusCode.Conflict, "ai-system-suspended");
    }

    [Fact]
    public async Task Another_companys_system_is_not_found()
    {
        var (participation, system, version) = await ReadyToDeploy();

        var response = await S.OtherCompany.PostAsJsonAsync("/api/v1/deployments", Scenario.DeployRequest(system, version, participation));

        await Responses.AssertProblem(response, HttpStatusCode.NotFound, "not-found");
        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync("/api/v1/deployments",
            Scenario.DeployRequest(Guid.NewGuid(), version, participation)), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_reversed_period_and_bad_regions_are_a_400_naming_the_fields()
    {
        var response = await S.Owner.PostAsJsonAsync("/api/v1/deployments", new
        {
            aiSystemId = Guid.NewGuid(),
            versionId = Guid.Empty,
            participationId = Guid.NewGuid(),
            territory = new[] { "Moscow" },
            from = "2026-06-01T00:00:00Z",
            until = "2026-05-01T00:00:00Z",
        });

        var problem = await Responses.AssertProblem(response, HttpStatusCode.BadRequest, "validation-failed");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["territory[0]", "until", "versionId"], fields);
    }

    [Fact]
    public async Task A_malformed_instant_is_a_400_not_a_500()
    {
        var response = await S.Owner.PostAsync("/api/v1/deployments", new StringContent(
            "{\"aiSystemId\":\"" + Guid.NewGuid() + "\",\"from\":\"next monday\"}", Encoding.UTF8, "application/json"));
        await Responses.AssertProblem(response, HttpStatusCode.BadRequest, "malformed-json");

        var read = await S.Anonymous.GetAsync($"/api/v1/deployments/{Guid.NewGuid()}?at=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode);
        var known = await S.Anonymous.GetAsync($"/api/v1/deployments/active?region=77&knownAt=yesterday");
        Assert.True((await Responses.AssertProblem(known, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("knownAt", out _));
        var active = await S.Anonymous.GetAsync("/api/v1/deployments/active?region=Moscow");
        var problem = await Responses.AssertProblem(active, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("region", out _));
    }

    [Theory]
    [InlineData("regulator")]
    [InlineData("auditor")]
    [InlineData("integration")]
    public async Task Only_an_applicant_deploys(string role)
    {
        var token = role switch
        {
            "regulator" => Tokens.Regulator(),
            "auditor" => Tokens.Auditor(),
            _ => Tokens.Integration("gosuslugi"),
        };

        var response = await fixture.Host.Client(token).PostAsJsonAsync("/api/v1/deployments",
            Scenario.DeployRequest(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()));

        await Responses.AssertProblem(response, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await S.Anonymous.PostAsJsonAsync("/api/v1/deployments",
            Scenario.DeployRequest(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()))).StatusCode);
    }

    [Fact]
    public async Task Ending_a_deployment_is_for_its_owner_or_the_regulator_and_happens_once()
    {
        var (participation, system, version) = await ReadyToDeploy();
        var byOwner = await S.DeployAsync(system, version, participation);
        var byRegulator = await S.DeployAsync(system, version, participation);

        await Responses.AssertProblem(await S.OtherCompany.PostAsJsonAsync($"/api/v1/deployments/{byOwner}/ending", new { reason = "x" }),
            HttpStatusCode.NotFound);
        await Responses.AssertProblem(await fixture.Host.Client(Tokens.Auditor()).PostAsJsonAsync($"/api/v1/deployments/{byOwner}/ending",
            new { reason = "x" }), HttpStatusCode.Forbidden);
        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync($"/api/v1/deployments/{byOwner}/ending", new { reason = "" }),
            HttpStatusCode.BadRequest);
        var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/deployments/{byOwner}/ending")
        {
            Content = JsonContent.Create(new { reason = "x" }),
            Headers = { { "If-Match", "\"7\"" } },
        };
        await Responses.AssertProblem(await S.Owner.SendAsync(stale), HttpStatusCode.PreconditionFailed, "stale-version");

        var ended = await S.Owner.PostAsJsonAsync($"/api/v1/deployments/{byOwner}/ending", new { reason = "Pilot over" });
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Equal("\"2\"", ended.Headers.ETag?.Tag);
        Assert.Equal(2, (await ended.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64());
        var d = await S.DeploymentAsync(byOwner);
        Assert.Equal("ended", d.GetProperty("status").GetString());
        Assert.Equal("Pilot over", d.GetProperty("statusReason").GetString());
        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync($"/api/v1/deployments/{byOwner}/ending", new { reason = "again" }),
            HttpStatusCode.Conflict, "deployment-ended");
        Assert.Equal(HttpStatusCode.OK, (await S.Regulator.PostAsJsonAsync($"/api/v1/deployments/{byRegulator}/ending",
            new { reason = "Unsafe" })).StatusCode);
    }

    [Fact]
    public async Task Recalling_a_version_ends_its_deployments_and_withdrawing_a_system_ends_all_of_them()
    {
        var (participation, system, v1) = await ReadyToDeploy();
        var v2 = await S.ReleaseAsync(system, "2.0.0", 'b');
        var ofV1 = await S.DeployAsync(system, v1, participation);
        var ofV2 = await S.DeployAsync(system, v2, participation);

        Assert.Equal(HttpStatusCode.OK, (await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{system}/versions/{v1}/recall",
            new { reason = "Misreads stop signs" })).StatusCode);

        Assert.Equal("Version 1.0.0 was recalled: Misreads stop signs", (await S.DeploymentAsync(ofV1)).GetProperty("statusReason").GetString());
        Assert.Equal("active", (await S.DeploymentAsync(ofV2)).GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.OK, (await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{system}/withdrawal",
            new { reason = "Product discontinued" })).StatusCode);

        var d = await S.DeploymentAsync(ofV2);
        Assert.Equal("ended", d.GetProperty("status").GetString());
        Assert.Equal("The AI system was withdrawn: Product discontinued", d.GetProperty("statusReason").GetString());
    }

    [Fact]
    public async Task Deployment_history_is_for_the_owner_and_officials()
    {
        var (participation, system, version) = await ReadyToDeploy();
        var id = await S.DeployAsync(system, version, participation);

        var history = (await S.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/deployments/{id}/history")).GetProperty("items");

        var entry = Assert.Single(history.EnumerateArray());
        Assert.Equal("ai_system_deployed", entry.GetProperty("type").GetString());
        Assert.Equal("acme-officer", entry.GetProperty("by").GetString());
        Assert.Equal("applicant", entry.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await S.Auditor.GetAsync($"/api/v1/deployments/{id}/history")).StatusCode);
        await Responses.AssertProblem(await S.OtherCompany.GetAsync($"/api/v1/deployments/{id}/history"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, (await S.Anonymous.GetAsync($"/api/v1/deployments/{id}/history")).StatusCode);
    }

    [Fact]
    public async Task A_redelivered_participation_message_is_applied_once()
    {
        var participation = await S.GrantParticipationAsync();
        var renewed = new Published.InsuranceRenewed(S.Cite(participation, 2), participation,
            new Published.InsurancePolicy("Safe Insurance JSC", "7707083893", "POL-2", new Contracts.Money(20_000_000m, "RUB"),
                ["life", "health", "property"], true, new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31)),
            DateTimeOffset.UtcNow);
        await S.PublishAsync(renewed);
        await S.PublishAsync(renewed);
        var persons = new Published.ResponsiblePersonsChanged(S.Cite(participation, 3), participation, [], DateTimeOffset.UtcNow);
        await S.PublishAsync(persons);

        var known = await Eventually.Until(async () =>
        {
            var p = await S.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/participations/{participation}");
            return p.GetProperty("sources").GetArrayLength() >= 3 ? p : (JsonElement?)null;
        }, because: "all three messages should be applied");

        Assert.Equal([1L, 2L, 3L], known.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("streamVersion").GetInt64()));
        Assert.Equal("POL-2", known.GetProperty("insurance").GetProperty("policyNumber").GetString());
        Assert.Equal(0, known.GetProperty("responsiblePersons").GetArrayLength());
        Assert.Equal("active", known.GetProperty("status").GetString());
        await Responses.AssertProblem(await S.OtherCompany.GetAsync($"/api/v1/participations/{participation}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Swagger_describes_the_registry_endpoints()
    {
        var swagger = await S.Anonymous.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        var paths = swagger.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/ai-systems", "/api/v1/ai-systems/{id}/versions", "/api/v1/deployments",
                     "/api/v1/deployments/active", "/api/v1/register/ai-systems/{id}", "/api/v1/participations/{id}" })
            Assert.True(paths.TryGetProperty(path, out _), $"swagger should describe {path}");
    }

    [Fact]
    public async Task A_deployment_and_a_participation_change_cannot_both_commit_on_the_same_copy()
    {
        var participation = await S.GrantParticipationAsync();
        var store = fixture.Host.Services.GetRequiredService<IDocumentStore>();
        await using var deploying = store.LightweightSession();
        await using var suspending = store.LightweightSession();
        var seenByDeploy = await deploying.LoadAsync<KnownParticipation>(participation);
        var seenBySuspension = await suspending.LoadAsync<KnownParticipation>(participation);

        suspending.Store(seenBySuspension! with { Status = ParticipationStatus.Suspended });
        await suspending.SaveChangesAsync();
        deploying.Store(seenByDeploy!);

        await Assert.ThrowsAnyAsync<JasperFx.ConcurrencyException>(() => deploying.SaveChangesAsync());
    }
}
