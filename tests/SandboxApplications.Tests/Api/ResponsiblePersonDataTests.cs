using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SandboxRegistry.EventSourcing.PersonalData;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>
/// Responsible persons' contacts: encrypted in every table, shown to the company and regulators, not to auditors,
/// unreadable after a regulator erases them; names and positions stay (the register's statutory content).
/// </summary>
public class ResponsiblePersonDataTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private const string Email = "petrov@robotaxi.ru";
    private const string Ground = "152-FZ art. 21 p. 5: the person left the company";

    private async Task<int> RowsContaining(string needle)
    {
        await using var connection = new NpgsqlConnection(fixture.Host.Postgres);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
                         "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables " +
                         "where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        var hits = 0;
        foreach (var table in tables)
        {
            await using var scan = new NpgsqlCommand($"select count(*) from {table} t where t::text like '%' || @needle || '%'", connection);
            scan.Parameters.AddWithValue("needle", needle);
            hits += (int)(long)(await scan.ExecuteScalarAsync())!;
        }
        return hits;
    }

    private static JsonElement Person(JsonElement participation) => participation.GetProperty("responsiblePersons")[0];

    [Fact]
    public async Task Contacts_are_stored_encrypted_shown_to_the_company_and_regulators_and_erased_on_a_ground()
    {
        var (_, applicationId, id) = await ActiveParticipation(fixture.Host);
        var company = fixture.Host.Client(Tokens.Applicant(Company));
        var regulator = fixture.Host.Client(Tokens.Regulator("reg-erasure"));
        var auditor = fixture.Host.Client(Tokens.Auditor());

        Assert.Equal(0, await RowsContaining(Email));
        Assert.True(await RowsContaining("Ivan Petrov") > 0); // names are kept in clear, by decision (see docs/PersonalData.md)

        var ownView = Person(await (await company.GetAsync($"/api/v1/participations/{id}")).Body(HttpStatusCode.OK));
        Assert.Equal("Ivan Petrov", ownView.GetProperty("fullName").GetString());
        Assert.Equal(Email, ownView.GetProperty("contact").GetProperty("email").GetString());
        var regulatorView = Person(await (await regulator.GetAsync($"/api/v1/participations/{id}")).Body(HttpStatusCode.OK));
        Assert.Equal(Email, regulatorView.GetProperty("contact").GetProperty("email").GetString());
        var application = await (await regulator.GetAsync($"/api/v1/applications/{applicationId}")).Body(HttpStatusCode.OK);
        Assert.Equal(Email, application.GetProperty("form").GetProperty("responsiblePersons")[0].GetProperty("contact").GetProperty("email").GetString());
        var auditorText = await (await auditor.GetAsync($"/api/v1/participations/{id}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(Email, auditorText);
        Assert.Equal(JsonValueKind.Null, Person(JsonDocument.Parse(auditorText).RootElement).GetProperty("contact").GetProperty("email").ValueKind);
        Assert.DoesNotContain(Email, await (await auditor.GetAsync($"/api/v1/applications/{applicationId}")).Content.ReadAsStringAsync());
        Assert.DoesNotContain(Email, await (await fixture.Host.Client().GetAsync("/api/v1/register/participations")).Content.ReadAsStringAsync());

        var entryId = ownView.GetProperty("entryId").GetGuid();
        var path = $"/api/v1/participations/{id}/responsible-persons/{entryId}/erasure";
        await (await company.PostAsJsonAsync(path, new { legalGround = Ground })).AssertProblem(HttpStatusCode.Forbidden);
        await (await auditor.PostAsJsonAsync(path, new { legalGround = Ground })).AssertProblem(HttpStatusCode.Forbidden);
        var invalid = await (await regulator.PostAsJsonAsync(path, new { legalGround = "" })).AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("legalGround", out _));
        await (await regulator.PostAsJsonAsync($"/api/v1/participations/{id}/responsible-persons/{Guid.NewGuid()}/erasure",
            new { legalGround = Ground })).AssertProblem(HttpStatusCode.NotFound);
        await (await regulator.PostAsJsonAsync($"/api/v1/participations/{Guid.NewGuid()}/responsible-persons/{entryId}/erasure",
            new { legalGround = Ground })).AssertProblem(HttpStatusCode.NotFound);

        var erased = await (await regulator.PostAsJsonAsync(path, new { legalGround = Ground })).Body(HttpStatusCode.OK);
        Assert.Equal(Ground, erased.GetProperty("legalGround").GetString());
        Assert.Equal("reg-erasure", erased.GetProperty("erasedBy").GetString());
        var again = await (await regulator.PostAsJsonAsync(path, new { legalGround = "other" })).Body(HttpStatusCode.OK);
        Assert.Equal(Ground, again.GetProperty("legalGround").GetString());
        Assert.Equal(erased.GetProperty("erasedAt").GetDateTimeOffset(), again.GetProperty("erasedAt").GetDateTimeOffset());

        // One key per person: the application's copy is erased with the register's.
        var after = Person(await (await company.GetAsync($"/api/v1/participations/{id}")).Body(HttpStatusCode.OK));
        Assert.Equal("Ivan Petrov", after.GetProperty("fullName").GetString());
        Assert.Equal(PersonalDataVault.ErasedMarker, after.GetProperty("contact").GetProperty("email").GetString());
        var applicationAfter = await (await regulator.GetAsync($"/api/v1/applications/{applicationId}")).Body(HttpStatusCode.OK);
        Assert.Equal(PersonalDataVault.ErasedMarker,
            applicationAfter.GetProperty("form").GetProperty("responsiblePersons")[0].GetProperty("contact").GetProperty("email").GetString());
        var keyId = applicationAfter.GetProperty("form").GetProperty("responsiblePersons")[0].GetProperty("contact").GetProperty("keyId").GetGuid();
        var viaApplication = await (await regulator.PostAsJsonAsync($"/api/v1/applications/{applicationId}/responsible-persons/{keyId}/erasure",
            new { legalGround = "other" })).Body(HttpStatusCode.OK);
        Assert.Equal(Ground, viaApplication.GetProperty("legalGround").GetString());
        await (await regulator.PostAsJsonAsync($"/api/v1/applications/{applicationId}/responsible-persons/{Guid.NewGuid()}/erasure",
            new { legalGround = Ground })).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(0, await RowsContaining(Email));
    }
}
