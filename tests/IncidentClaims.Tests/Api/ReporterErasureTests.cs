using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.EventSourcing.PersonalData;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>The regulator erases a reporter's personal data on a recorded legal ground; reads show it as erased.</summary>
public class ReporterErasureTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private const string Ground = "152-FZ art. 21 p. 5: the reporter withdrew consent";
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator("reg-ivanova"));

    private async Task<JsonElement> Reporter(Guid id) =>
        (await Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}/dossier")).GetProperty("report").GetProperty("reporter");

    [Fact]
    public async Task Erasure_makes_the_reporter_unreadable_records_the_ground_and_is_idempotent()
    {
        var id = await File(Portal, Body());
        var before = await Reporter(id);
        Assert.Equal("Ivan Petrov", before.GetProperty("fullName").GetString());
        Assert.Equal("+79990000000", before.GetProperty("contacts").GetProperty("phone").GetString());
        Assert.Equal("ivan.petrov@example.ru", before.GetProperty("contacts").GetProperty("email").GetString());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("contacts").GetProperty("postalAddress").ValueKind);
        Assert.Equal(JsonValueKind.Null, before.GetProperty("erasure").ValueKind);

        var erased = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/reporter/erasure", new { legalGround = Ground });
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        var body = await erased.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, body.GetProperty("incidentId").GetGuid());
        Assert.Equal(Ground, body.GetProperty("legalGround").GetString());
        Assert.Equal("reg-ivanova", body.GetProperty("erasedBy").GetString());
        Assert.Equal(2, body.GetProperty("version").GetInt64());
        Assert.Equal("\"2\"", erased.Headers.ETag?.Tag);

        var after = await Reporter(id);
        Assert.Equal(PersonalDataVault.ErasedMarker, after.GetProperty("fullName").GetString());
        Assert.Equal(PersonalDataVault.ErasedMarker, after.GetProperty("contacts").GetProperty("phone").GetString());
        Assert.Equal(PersonalDataVault.ErasedMarker, after.GetProperty("contacts").GetProperty("email").GetString());
        Assert.Equal(Ground, after.GetProperty("erasure").GetProperty("legalGround").GetString());
        Assert.Equal("reg-ivanova", after.GetProperty("erasure").GetProperty("erasedBy").GetString());

        var again = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/reporter/erasure", new { legalGround = "another ground" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var repeated = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Ground, repeated.GetProperty("legalGround").GetString());
        Assert.Equal(2, repeated.GetProperty("version").GetInt64());
        Assert.Equal(body.GetProperty("erasedAt").GetDateTimeOffset(), repeated.GetProperty("erasedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Only_a_regulator_erases_with_a_ground_and_an_unknown_incident_is_404()
    {
        var id = await File(Portal, Body());
        var path = $"/api/v1/incidents/{id}/reporter/erasure";

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Host.Client().PostAsJsonAsync(path, new { legalGround = Ground })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Portal.PostAsJsonAsync(path, new { legalGround = Ground })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await fixture.Host.Client(Tokens.Auditor()).PostAsJsonAsync(path, new { legalGround = Ground })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await fixture.Host.Client(Tokens.Applicant(World.Ogrn)).PostAsJsonAsync(path, new { legalGround = Ground })).StatusCode);
        var invalid = await Responses.AssertProblem(await Regulator.PostAsJsonAsync(path, new { legalGround = " " }), HttpStatusCode.BadRequest);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("legalGround", out _));
        await Responses.AssertProblem(await Regulator.PostAsJsonAsync($"/api/v1/incidents/{Guid.NewGuid()}/reporter/erasure", new { legalGround = Ground }),
            HttpStatusCode.NotFound);

        Assert.Equal("Ivan Petrov", (await Reporter(id)).GetProperty("fullName").GetString());
    }
}
