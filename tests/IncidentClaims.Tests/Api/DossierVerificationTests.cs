using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>The dossier cites each own event with its hash, and its verification checks every citation at the source.</summary>
public class DossierVerificationTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Auditor => fixture.Host.Client(Tokens.Auditor());

    private async Task<Guid> LinkedIncident(string region)
    {
        var world = new World(fixture.Host);
        await world.SeedDeployedSystem(region);
        var id = await File(Portal, Body(occurredAt: world.Now.AddDays(-20), region: region));
        Assert.Equal(HttpStatusCode.OK,
            (await fixture.Host.Client(Tokens.Regulator()).PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { })).StatusCode);
        return id;
    }

    private static IEnumerable<JsonElement> Checks(JsonElement verification, string service) =>
        verification.GetProperty("checks").EnumerateArray()
            .Where(c => c.GetProperty("citation").GetProperty("service").GetString() == service);

    [Fact]
    public async Task Own_events_are_cited_with_their_hash_and_verify_against_this_services_chain()
    {
        var id = await LinkedIncident("63");

        var dossier = await Auditor.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}/dossier");
        var verification = await Auditor.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}/dossier/verification");

        var reportSource = dossier.GetProperty("report").GetProperty("source");
        var seal = await fixture.Host.Client().GetFromJsonAsync<JsonElement>(
            $"/api/v1/audit/events/{reportSource.GetProperty("eventId").GetGuid()}");
        Assert.Equal(seal.GetProperty("hash").GetString(), reportSource.GetProperty("hash").GetString());
        var own = Checks(verification, "incident-claims").ToList();
        Assert.Equal(3, own.Count); // the report, the triage and the preservation hold it placed
        Assert.All(own, c => Assert.Equal("verified", c.GetProperty("status").GetString()));
        // The links resolved from other services' messages are checked at their sources; these test messages have none.
        Assert.NotEmpty(Checks(verification, "ai-system-registry"));
        Assert.False(verification.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task A_cited_event_rewritten_in_the_database_fails_verification()
    {
        var id = await LinkedIncident("64");
        await using (var connection = new NpgsqlConnection(fixture.Host.Postgres))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "update mt_events set data = jsonb_set(data, '{report,title}', '\"Nothing happened\"') where stream_id = @id and version = 1",
                connection);
            command.Parameters.AddWithValue("id", id);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var verification = await Auditor.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}/dossier/verification");

        Assert.All(Checks(verification, "incident-claims"), c => Assert.Equal("chainBroken", c.GetProperty("status").GetString()));
        Assert.False(verification.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task Verification_is_for_regulators_and_auditors()
    {
        var id = await LinkedIncident("65");

        Assert.Equal(HttpStatusCode.Forbidden, (await Portal.GetAsync($"/api/v1/incidents/{id}/dossier/verification")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Auditor.GetAsync($"/api/v1/incidents/{Guid.NewGuid()}/dossier/verification")).StatusCode);
    }
}
