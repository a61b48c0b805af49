using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

public class AiSystemsApiTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private readonly Scenario S = new(fixture.Host);

    [Fact]
    public async Task An_applicant_registers_a_system_owned_by_its_company_and_reads_it_back()
    {
        var created = await S.Owner.PostAsJsonAsync("/api/v1/ai-systems", Scenario.SystemRequest());

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.Equal($"/api/v1/ai-systems/{id}", created.Headers.Location?.ToString());

        var read = await S.Owner.GetAsync($"/api/v1/ai-systems/{id}");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        var view = await read.Content.ReadFromJsonAsync<JsonElement>();
        var system = view.GetProperty("system");
        Assert.Equal(id, system.GetProperty("id").GetGuid());
        Assert.Equal(Scenario.Acme, system.GetProperty("ownerOgrn").GetString());
        Assert.Equal("active", system.GetProperty("status").GetString());
        Assert.Equal(0, system.GetProperty("versions").GetArrayLength());
        Assert.False(system.GetProperty("isPublic").GetBoolean());
        var d = system.GetProperty("description");
        Assert.Equal("Road sign reader", d.GetProperty("name").GetString());
        Assert.Equal("Reads road signs from the roof camera.", d.GetProperty("description").GetString());
        Assert.Equal("Assist the safety driver of an unmanned shuttle.", d.GetProperty("intendedPurpose").GetString());
        Assert.Equal("transport", d.GetProperty("direction").GetString());
        Assert.Equal("Acme Vision LLC", d.GetProperty("developer").GetProperty("name").GetString());
        Assert.Equal(Scenario.Acme, d.GetProperty("developer").GetProperty("ogrn").GetString());
        Assert.Equal(Scenario.Acme, d.GetProperty("developer").GetProperty("id").GetString());
        Assert.Equal("Acme Shuttles LLC", d.GetProperty("operatorName").GetString());
        Assert.Equal("humanOnTheLoop", d.GetProperty("autonomyLevel").GetString());
        Assert.Equal("high", d.GetProperty("riskClass").GetString());
        Assert.Equal("computerVision", d.GetProperty("technique").GetString());
        Assert.Equal(0, view.GetProperty("deployments").GetArrayLength());

        var mine = await S.Owner.AllItems("/api/v1/ai-systems");
        Assert.Contains(mine, s => s.GetProperty("id").GetGuid() == id);
        var theirs = await S.OtherCompany.AllItems("/api/v1/ai-systems");
        Assert.DoesNotContain(theirs, s => s.GetProperty("id").GetGuid() == id);
        var all = await S.Regulator.AllItems("/api/v1/ai-systems");
        Assert.Contains(all, s => s.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task Another_company_gets_404_for_every_private_view_and_command()
    {
        var id = await S.RegisterSystemAsync();
        var version = await S.ReleaseAsync(id, "1.0.0");

        await Responses.AssertProblem(await S.OtherCompany.GetAsync($"/api/v1/ai-systems/{id}"), HttpStatusCode.NotFound, "not-found");
        await Responses.AssertProblem(await S.OtherCompany.GetAsync($"/api/v1/ai-systems/{id}/history"), HttpStatusCode.NotFound);
        await Responses.AssertProblem(await S.OtherCompany.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions",
            Scenario.VersionRequest("9.9.9")), HttpStatusCode.NotFound);
        await Responses.AssertProblem(await S.OtherCompany.PostAsync($"/api/v1/ai-systems/{id}/versions/{version}/deprecation", null),
            HttpStatusCode.NotFound);
        await Responses.AssertProblem(await S.OtherCompany.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions/{version}/recall",
            new { reason = "x" }), HttpStatusCode.NotFound);
        await Responses.AssertProblem(await S.OtherCompany.PostAsJsonAsync($"/api/v1/ai-systems/{id}/withdrawal", new { reason = "x" }),
            HttpStatusCode.NotFound);
        await Responses.AssertProblem(await S.Owner.GetAsync($"/api/v1/ai-systems/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Registration_is_for_applicants_only()
    {
        await Responses.AssertProblem(await S.Regulator.PostAsJsonAsync("/api/v1/ai-systems", Scenario.SystemRequest()), HttpStatusCode.Forbidden);
        await Responses.AssertProblem(await fixture.Host.Client(Tokens.Integration("gosuslugi"))
            .PostAsJsonAsync("/api/v1/ai-systems", Scenario.SystemRequest()), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await S.Anonymous.PostAsJsonAsync("/api/v1/ai-systems", Scenario.SystemRequest())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await S.Anonymous.GetAsync("/api/v1/ai-systems")).StatusCode);
        await Responses.AssertProblem(await fixture.Host.Client(Tokens.Integration("gosuslugi")).GetAsync("/api/v1/ai-systems"),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Invalid_registration_fields_are_a_400_listing_each_field()
    {
        var response = await S.Owner.PostAsJsonAsync("/api/v1/ai-systems", new
        {
            name = "",
            description = "d",
            intendedPurpose = "p",
            direction = "transport",
            developer = new { name = "Dev", ogrn = "1027700132194", inn = "1234567890" },
            operatorName = "",
            autonomyLevel = "autonomous",
            riskClass = "limited",
            technique = "scoring",
        });

        var problem = await Responses.AssertProblem(response, HttpStatusCode.BadRequest, "validation-failed");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["developer.inn", "developer.ogrn", "name", "operatorName"], fields);
    }

    [Fact]
    public async Task A_developer_needs_some_registration_id_and_a_foreign_one_will_do()
    {
        var missing = await S.Owner.PostAsJsonAsync("/api/v1/ai-systems", new
        {
            name = "n", description = "d", intendedPurpose = "p", direction = "medicine",
            developer = new { name = "Dev" }, operatorName = "o", autonomyLevel = "humanInTheLoop", riskClass = "high", technique = "languageModel",
        });
        var problem = await Responses.AssertProblem(missing, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("developer", out _));

        var foreign = await S.Owner.PostAsJsonAsync("/api/v1/ai-systems", new
        {
            name = "n", description = "d", intendedPurpose = "p", direction = "medicine",
            developer = new { name = "Dev GmbH", foreignRegistrationId = "HRB 123456" }, operatorName = "o",
            autonomyLevel = "humanInTheLoop", riskClass = "high", technique = "languageModel",
        });
        Assert.Equal(HttpStatusCode.Created, foreign.StatusCode);
    }

    [Fact]
    public async Task A_released_version_is_immutable_and_its_number_cannot_be_released_twice()
    {
        var id = await S.RegisterSystemAsync();

        var released = await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions", Scenario.VersionRequest("1.0.0-rc.1+build.7"));

        Assert.Equal(HttpStatusCode.Created, released.StatusCode);
        Assert.Equal("\"2\"", released.Headers.ETag?.Tag);
        var versionId = (await released.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("versionId").GetGuid();
        var again = await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions", Scenario.VersionRequest("1.0.0-rc.1+build.8", 'f'));
        await Responses.AssertProblem(again, HttpStatusCode.Conflict, "version-already-released");
        var view = await S.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{id}");
        var v = Assert.Single(view.GetProperty("system").GetProperty("versions").EnumerateArray());
        Assert.Equal(versionId, v.GetProperty("id").GetGuid());
        Assert.Equal("1.0.0-rc.1+build.7", v.GetProperty("version").GetString());
        Assert.Equal(new string('a', 64), v.GetProperty("artifactSha256").GetString());
        Assert.Equal("released", v.GetProperty("status").GetString());
        Assert.Equal("Release 1.0.0-rc.1+build.7", v.GetProperty("changeSummary").GetString());
        Assert.Equal("120k labelled frames, Moscow 2025", v.GetProperty("trainingDataSummary").GetString());
        Assert.Equal("Sign recall 99.1% on the holdout set", v.GetProperty("evaluationSummary").GetString());
        Assert.Equal(0, v.GetProperty("incidentCount").GetInt32());
        Assert.False(v.GetProperty("recallRecommended").GetBoolean());
        Assert.True((DateTimeOffset.UtcNow - v.GetProperty("releasedAt").GetDateTimeOffset()).Duration() < TimeSpan.FromMinutes(5));
        // No endpoint edits a version: PUT or PATCH on it is not routed.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await S.Owner.PutAsJsonAsync($"/api/v1/ai-systems/{id}/versions",
            Scenario.VersionRequest("1.0.0"))).StatusCode);
    }

    [Theory]
    [InlineData("1.0", "version")]
    [InlineData("v1.0.0", "version")]
    [InlineData("01.0.0", "version")]
    [InlineData("1.0.0-", "version")]
    public async Task A_version_that_is_not_semver_is_a_400(string version, string field)
    {
        var id = await S.RegisterSystemAsync();

        var response = await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions", Scenario.VersionRequest(version));

        var problem = await Responses.AssertProblem(response, HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task A_malformed_sha256_is_a_400(string sha)
    {
        var id = await S.RegisterSystemAsync();

        var response = await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions", new
        {
            version = "1.0.0", artifactSha256 = sha, changeSummary = "c", trainingDataSummary = "t", evaluationSummary = "e",
        });

        var problem = await Responses.AssertProblem(response, HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(["artifactSha256"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Only_the_owner_releases_and_deprecates_and_the_regulator_or_owner_recalls()
    {
        var id = await S.RegisterSystemAsync();
        var version = await S.ReleaseAsync(id, "1.0.0");
        var other = await S.ReleaseAsync(id, "1.0.1", 'b');

        await Responses.AssertProblem(await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions", Scenario.VersionRequest("2.0.0")),
            HttpStatusCode.Forbidden);
        await Responses.AssertProblem(await S.Regulator.PostAsync($"/api/v1/ai-systems/{id}/versions/{version}/deprecation", null),
            HttpStatusCode.Forbidden);
        await Responses.AssertProblem(await S.Auditor.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions/{version}/recall",
            new { reason = "x" }), HttpStatusCode.Forbidden);

        var deprecated = await S.Owner.PostAsync($"/api/v1/ai-systems/{id}/versions/{version}/deprecation", null);
        Assert.Equal(HttpStatusCode.OK, deprecated.StatusCode);
        Assert.Equal("\"4\"", deprecated.Headers.ETag?.Tag);
        await Responses.AssertProblem(await S.Owner.PostAsync($"/api/v1/ai-systems/{id}/versions/{version}/deprecation", null),
            HttpStatusCode.Conflict, "version-deprecated");
        var recalled = await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions/{version}/recall", new { reason = "Unsafe at night" });
        Assert.Equal(HttpStatusCode.OK, recalled.StatusCode);
        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions/{version}/recall",
            new { reason = "again" }), HttpStatusCode.Conflict, "version-recalled");
        Assert.Equal(HttpStatusCode.OK, (await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions/{other}/recall",
            new { reason = "Superseded by a fix" })).StatusCode);
        await Responses.AssertProblem(await S.Owner.PostAsync($"/api/v1/ai-systems/{id}/versions/{Guid.NewGuid()}/deprecation", null),
            HttpStatusCode.NotFound);

        var view = await S.Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{id}");
        var v = view.GetProperty("system").GetProperty("versions")[0];
        Assert.Equal("recalled", v.GetProperty("status").GetString());
        Assert.Equal("Unsafe at night", v.GetProperty("recallReason").GetString());
        Assert.NotEqual(JsonValueKind.Null, v.GetProperty("deprecatedAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, v.GetProperty("recalledAt").ValueKind);
    }

    [Fact]
    public async Task The_regulator_suspends_a_system_which_then_takes_no_new_versions()
    {
        var id = await S.RegisterSystemAsync();

        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{id}/suspension", new { reason = "x" }),
            HttpStatusCode.Forbidden);
        await Responses.AssertProblem(await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{id}/suspension", new { reason = "" }),
            HttpStatusCode.BadRequest);
        var suspended = await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{id}/suspension", new { reason = "Unreported incident" });

        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        var system = (await S.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{id}")).GetProperty("system");
        Assert.Equal("suspended", system.GetProperty("status").GetString());
        Assert.Equal("Unreported incident", system.GetProperty("statusReason").GetString());
        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions", Scenario.VersionRequest("1.0.0")),
            HttpStatusCode.Conflict, "ai-system-suspended");
        await Responses.AssertProblem(await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{id}/suspension", new { reason = "again" }),
            HttpStatusCode.Conflict, "ai-system-suspended");
        await Responses.AssertProblem(await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{Guid.NewGuid()}/suspension", new { reason = "x" }),
            HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_owner_withdraws_a_system_for_good()
    {
        var id = await S.RegisterSystemAsync();

        await Responses.AssertProblem(await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{id}/withdrawal", new { reason = "x" }),
            HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{id}/withdrawal",
            new { reason = "Discontinued" })).StatusCode);

        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{id}/withdrawal", new { reason = "again" }),
            HttpStatusCode.Conflict, "ai-system-withdrawn");
        await Responses.AssertProblem(await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{id}/versions", Scenario.VersionRequest("1.0.0")),
            HttpStatusCode.Conflict, "ai-system-withdrawn");
        await Responses.AssertProblem(await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{id}/suspension", new { reason = "x" }),
            HttpStatusCode.Conflict, "ai-system-withdrawn");
    }

    [Fact]
    public async Task A_stale_if_match_is_a_412_and_a_current_one_is_accepted()
    {
        var id = await S.RegisterSystemAsync();

        var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ai-systems/{id}/versions")
        {
            Content = JsonContent.Create(Scenario.VersionRequest("1.0.0")),
            Headers = { { "If-Match", "\"5\"" } },
        };
        await Responses.AssertProblem(await S.Owner.SendAsync(stale), HttpStatusCode.PreconditionFailed, "stale-version");
        var current = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ai-systems/{id}/versions")
        {
            Content = JsonContent.Create(Scenario.VersionRequest("1.0.0")),
            Headers = { { "If-Match", "\"1\"" } },
        };
        Assert.Equal(HttpStatusCode.Created, (await S.Owner.SendAsync(current)).StatusCode);
        var malformed = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ai-systems/{id}/suspension")
        {
            Content = JsonContent.Create(new { reason = "x" }),
            Headers = { { "If-Match", "\"latest\"" } },
        };
        await Responses.AssertProblem(await S.Regulator.SendAsync(malformed), HttpStatusCode.BadRequest, "malformed-if-match");
    }

    [Fact]
    public async Task The_history_shows_each_event_with_who_and_when_to_the_owner_and_officials()
    {
        var id = await S.RegisterSystemAsync();
        await S.ReleaseAsync(id, "1.0.0");
        await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{id}/suspension", new { reason = "Audit" });

        var history = (await S.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{id}/history")).GetProperty("items");

        Assert.Equal(["ai_system_registered", "version_released", "ai_system_suspended"],
            history.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(["acme-officer", "acme-officer", "reg-petrova"], history.EnumerateArray().Select(e => e.GetProperty("by").GetString()));
        Assert.Equal(["applicant", "applicant", "regulator"], history.EnumerateArray().Select(e => e.GetProperty("role").GetString()));
        Assert.Equal([1L, 2L, 3L], history.EnumerateArray().Select(e => e.GetProperty("position").GetInt64()));
        Assert.Equal("Audit", history[2].GetProperty("data").GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, (await S.Auditor.GetAsync($"/api/v1/ai-systems/{id}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await S.Anonymous.GetAsync($"/api/v1/ai-systems/{id}/history")).StatusCode);
    }

    [Fact]
    public async Task Reading_as_known_before_registration_is_a_404_and_a_past_instant_shows_the_state_then()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var id = await S.RegisterSystemAsync();
        var afterRegistering = DateTimeOffset.UtcNow;
        await S.ReleaseAsync(id, "1.0.0");
        await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{id}/suspension", new { reason = "Audit" });

        await Responses.AssertProblem(await S.Owner.GetAsync($"/api/v1/ai-systems/{id}{Scenario.AsKnownAt(before)}"), HttpStatusCode.NotFound);
        // Asked for an instant before it was registered, as known now: the system is on record, with its status then.
        var recordedLater = await S.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{id}{Scenario.At(before)}");
        Assert.Equal("active", recordedLater.GetProperty("system").GetProperty("status").GetString());
        Assert.Equal(["1.0.0"], recordedLater.GetProperty("system").GetProperty("versions").EnumerateArray()
            .Select(v => v.GetProperty("version").GetString()));
        Assert.Equal(before, recordedLater.GetProperty("at").GetDateTimeOffset());
        var then = await S.Owner.GetAsync($"/api/v1/ai-systems/{id}{Scenario.AsKnownAt(afterRegistering)}");
        Assert.Equal("\"3\"", then.Headers.ETag?.Tag); // the stream's version now, what an If-Match compares with
        var view = await then.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("active", view.GetProperty("system").GetProperty("status").GetString());
        Assert.Equal(0, view.GetProperty("system").GetProperty("versions").GetArrayLength());
        Assert.Equal(afterRegistering, view.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(afterRegistering, view.GetProperty("knownAt").GetDateTimeOffset());
        Assert.Equal("suspended", (await S.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{id}"))
            .GetProperty("system").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_if_match_on_an_unknown_stream_is_never_a_500()
    {
        var onSystem = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ai-systems/{Guid.NewGuid()}/suspension")
        {
            Content = JsonContent.Create(new { reason = "x" }),
            Headers = { { "If-Match", "\"1\"" } },
        };
        var onDeployment = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/deployments/{Guid.NewGuid()}/ending")
        {
            Content = JsonContent.Create(new { reason = "x" }),
            Headers = { { "If-Match", "\"1\"" } },
        };

        var a = await S.Regulator.SendAsync(onSystem);
        var b = await S.Regulator.SendAsync(onDeployment);

        Assert.Equal(HttpStatusCode.NotFound, a.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, b.StatusCode);
    }

    [Fact]
    public async Task Lists_accept_at_and_known_at_and_answer_with_the_systems_as_they_stood_then()
    {
        var beforeRegistering = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        var id = await S.RegisterSystemAsync("Listed later");
        var beforeRelease = DateTimeOffset.UtcNow;
        await S.ReleaseAsync(id, "1.0.0");
        var afterRelease = DateTimeOffset.UtcNow;

        async Task<JsonElement?> Listed(HttpClient client, string path, DateTimeOffset at)
        {
            var list = await client.AllItems($"{path}{Scenario.AsKnownAt(at)}");
            return list.Where(s => s.GetProperty("id").GetGuid() == id).Select(s => (JsonElement?)s).SingleOrDefault();
        }

        Assert.Null(await Listed(S.Owner, "/api/v1/ai-systems", beforeRegistering));
        Assert.Equal(0, (await Listed(S.Owner, "/api/v1/ai-systems", beforeRelease))!.Value.GetProperty("versions").GetArrayLength());
        Assert.Equal(1, (await Listed(S.Regulator, "/api/v1/ai-systems", afterRelease))!.Value.GetProperty("versions").GetArrayLength());
        Assert.Null(await Listed(S.Anonymous, "/api/v1/register/ai-systems", beforeRelease)); // a draft then
        Assert.Equal("1.0.0", (await Listed(S.Anonymous, "/api/v1/register/ai-systems", afterRelease))!.Value
            .GetProperty("versions")[0].GetProperty("version").GetString());
    }

    [Fact]
    public async Task Lists_are_paged_newest_first()
    {
        await S.RegisterSystemAsync("Older");
        var newest = await S.RegisterSystemAsync("Newest");

        var first = await S.Owner.GetFromJsonAsync<JsonElement>("/api/v1/ai-systems?page=1&pageSize=1");

        Assert.Equal(newest, Assert.Single(first.Items()).GetProperty("id").GetGuid());
        var second = await S.Owner.GetFromJsonAsync<JsonElement>("/api/v1/ai-systems?page=2&pageSize=1");
        Assert.NotEqual(newest, Assert.Single(second.Items()).GetProperty("id").GetGuid());
        await Responses.AssertProblem(await S.Owner.GetAsync("/api/v1/ai-systems?pageSize=100000"), HttpStatusCode.BadRequest);
        await Responses.AssertProblem(await S.Anonymous.GetAsync("/api/v1/register/ai-systems?page=0"), HttpStatusCode.BadRequest);
    }
}
