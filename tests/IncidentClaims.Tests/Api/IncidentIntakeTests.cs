using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.IncidentClaims.Incidents.Reporting;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

public class IncidentIntakeTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Insurer => fixture.Host.Client(Tokens.Integration("ingos"));

    private async Task<int> EventsIn(Guid incidentId)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(incidentId)).Count;
    }

    [Fact]
    public async Task An_integration_files_a_report_and_reads_its_status()
    {
        var response = await Post(Portal, Body(), "key-1");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = receipt.GetProperty("id").GetGuid();
        var trackingCode = receipt.GetProperty("trackingCode").GetString()!;
        Assert.Matches("^IC-[2-9A-Z]{4}-[2-9A-Z]{4}$", trackingCode);
        Assert.Equal(1, receipt.GetProperty("version").GetInt64());
        Assert.Equal($"/api/v1/incidents/{id}/status", response.Headers.Location?.ToString());

        var read = await Portal.GetAsync($"/api/v1/incidents/{id}/status");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        var text = await read.Content.ReadAsStringAsync();
        var status = JsonDocument.Parse(text).RootElement;
        Assert.Equal(id, status.GetProperty("id").GetGuid());
        Assert.Equal(trackingCode, status.GetProperty("trackingCode").GetString());
        Assert.Equal("Drone fell on a pedestrian", status.GetProperty("title").GetString());
        Assert.Equal("reported", status.GetProperty("status").GetString());
        Assert.True(status.GetProperty("serious").GetBoolean());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("outcome").ValueKind);
        Assert.DoesNotContain("Ivan Petrov", text);
        Assert.DoesNotContain("ivan.petrov", text);
    }

    [Fact]
    public async Task A_replay_with_the_same_key_and_body_returns_the_first_answer_and_appends_nothing()
    {
        var body = Body();
        var first = await Post(Portal, body, "replayed-key");
        var firstBody = await first.Content.ReadAsStringAsync();

        var replay = await Post(Portal, body, "replayed-key");

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        var id = JsonDocument.Parse(firstBody).RootElement.GetProperty("id").GetGuid();
        Assert.Equal(1, await EventsIn(id));
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.Equal(1, await session.Query<IdempotencyRecord>().CountAsync(r => r.Key == "replayed-key"));
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_make_one_incident()
    {
        var body = Body();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Post(Portal, body, "raced-key")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
        var id = Assert.Single(ids.Distinct());
        Assert.Equal(1, await EventsIn(id));
    }

    [Fact]
    public async Task Concurrent_reports_of_one_integration_share_transactions_and_each_gets_its_own_incident()
    {
        var hospital = fixture.Host.Client(Tokens.Integration("hospital-batch"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Post(hospital, Body(), $"batch-{i}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
        Assert.Equal(40, ids.Distinct().Count());
        await using var connection = new Npgsql.NpgsqlConnection(fixture.Host.Postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select count(*), count(distinct xmin::text) from mt_events where stream_id = any(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(40, reader.GetInt64(0));
        Assert.True(reader.GetInt64(1) < 40, $"40 concurrent reports took {reader.GetInt64(1)} transactions");
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_a_409()
    {
        await Post(Portal, Body(), "reused-key");

        var response = await Post(Portal, Body(region: "78"), "reused-key");

        var problem = await Responses.AssertProblem(response, HttpStatusCode.Conflict);
        Assert.Equal("idempotency-key-reused", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Keys_belong_to_one_integration()
    {
        var body = Body();
        var portal = await (await Post(Portal, body, "shared-key")).Content.ReadFromJsonAsync<JsonElement>();

        var insurer = await Post(Insurer, body, "shared-key");

        Assert.Equal(HttpStatusCode.Created, insurer.StatusCode);
        Assert.NotEqual(portal.GetProperty("id").GetGuid(), (await insurer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_missing_idempotency_key_is_a_400_naming_the_header()
    {
        var response = await Post(Portal, Body(), key: null);

        var problem = await Responses.AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal("validation-failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), problem.ToString());
    }

    [Fact]
    public async Task Another_integration_cannot_see_the_report()
    {
        var id = await File(Portal, Body());

        var response = await Insurer.GetAsync($"/api/v1/incidents/{id}/status");
        var list = await Insurer.AllItems("/api/v1/incidents");

        await Responses.AssertProblem(response, HttpStatusCode.NotFound);
        Assert.DoesNotContain(list, i => i.GetProperty("id").GetGuid() == id);
        Assert.Contains(await Portal.AllItems("/api/v1/incidents"), i => i.GetProperty("id").GetGuid() == id);
        await Responses.AssertProblem(await Portal.GetAsync($"/api/v1/incidents/{Guid.NewGuid()}/status"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Anonymous_callers_are_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(fixture.Host.Client(), Body(), "k")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Host.Client().GetAsync($"/api/v1/incidents/{Guid.NewGuid()}/status")).StatusCode);
    }

    [Theory]
    [InlineData("regulator")]
    [InlineData("auditor")]
    [InlineData("applicant")]
    public async Task Only_integrations_file_reports(string role)
    {
        var token = role switch
        {
            "regulator" => Tokens.Regulator(),
            "auditor" => Tokens.Auditor(),
            _ => Tokens.Applicant("1027700132195"),
        };

        var response = await Post(fixture.Host.Client(token), Body(), "k");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_applicant_cannot_read_a_report()
    {
        var id = await File(Portal, Body());

        var response = await fixture.Host.Client(Tokens.Applicant("1027700132195")).GetAsync($"/api/v1/incidents/{id}/status");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    public static TheoryData<string, object?, string> Invalid => new()
    {
        { "harms", Array.Empty<object>(), "harms" },
        { "occurredAt", DateTimeOffset.UtcNow.AddDays(1), "occurredAt" },
        { "awareAt", DateTimeOffset.UtcNow.AddDays(-10), "awareAt" },
        { "location", new { regionCode = "Moscow" }, "location.regionCode" },
        { "harms", new object[] { new { type = "death", severity = "critical", personsAffected = 1, estimatedDamage = new { amount = -1m, currency = "RUB" } } },
            "harms[0].estimatedDamage.amount" },
        { "evidence", new object[] { new { fileName = "a.pdf", mediaType = "application/pdf", size = 10, sha256 = "abc" } }, "evidence[0].sha256" },
        { "reporter", new { fullName = "Ivan", contacts = new { email = "i@example.ru" }, consentToProcessing = false }, "reporter.consentToProcessing" },
        { "aiSystem", new { version = "1.0" }, "aiSystem.name" },
        { "channel", null, "channel" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Invalid_fields_are_a_400_naming_the_field(string field, object? value, string error)
    {
        var body = Body(occurredAt: DateTimeOffset.UtcNow.AddDays(-2));
        body[field] = value;

        var response = await Post(Portal, body, Guid.NewGuid().ToString());

        var problem = await Responses.AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal("validation-failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(error, out _), $"errors should name {error}: {problem}");
    }

    [Fact]
    public async Task An_unknown_harm_type_is_a_400_naming_the_field()
    {
        var body = Body();
        body["harms"] = new object[] { new { type = "hurtFeelings", severity = "minor", personsAffected = 1 } };

        var response = await Post(Portal, body, Guid.NewGuid().ToString());

        var problem = await Responses.AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal("malformed-json", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("harms[0].type", out _), problem.ToString());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_not_a_500()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents")
        {
            Content = new StringContent("{\"title\": ", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", "broken");

        await Responses.AssertProblem(await Portal.SendAsync(request), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Swagger_describes_the_incident_api_including_the_idempotency_header()
    {
        var swagger = await fixture.Host.Client().GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        var paths = swagger.GetProperty("paths");
        var post = paths.GetProperty("/api/v1/incidents").GetProperty("post");
        Assert.Contains(post.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key");
        foreach (var path in new[] { "/api/v1/incidents/{id}/dossier", "/api/v1/incidents/{id}/link", "/api/v1/incidents/deadlines",
                     "/api/v1/incidents/{id}/commission/conclusion/signature", "/api/v1/incidents/{id}/insurance-claim/payment" })
            Assert.True(paths.TryGetProperty(path, out _), path);
    }
}
