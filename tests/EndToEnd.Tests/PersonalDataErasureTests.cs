using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SandboxRegistry.EventSourcing.PersonalData;
using SandboxRegistry.Testing;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// A reporter's name and phone across the whole system: only the regulator's dossier shows them; no table of any
/// service's database and no host's log holds them in plaintext, before erasure or after; erasure leaves the chain valid.
/// </summary>
public class PersonalDataErasureTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    private const string Name = "Кузнецова Дарья Сергеевна";
    private const string Phone = "+7 903 111-22-33";
    private const string Email = "d.kuznetsova@example.ru";
    private const string PersonEmail = "p.orlov@robotaxi.ru";
    private const string PersonPhone = "+7 495 765-43-21";

    private IEnumerable<string> Databases => [system.Applications.Postgres, system.Registry.Postgres, system.Incidents.Postgres];

    private IEnumerable<string> LogLines =>
        system.Applications.Logs.Lines.Concat(system.Registry.Logs.Lines).Concat(system.Incidents.Logs.Lines);

    /// <summary>Rows of every table of every service's database (events, documents, seals, keys, read models, outbox).</summary>
    private async Task<List<string>> PlaintextHits(params string[] needles)
    {
        var hits = new List<string>();
        foreach (var database in Databases)
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            var tables = new List<string>();
            await using (var list = new NpgsqlCommand(
                             "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables " +
                             "where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'", connection))
            await using (var reader = await list.ExecuteReaderAsync())
                while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
            Assert.NotEmpty(tables);

            foreach (var table in tables)
            foreach (var needle in needles)
            {
                await using var scan = new NpgsqlCommand($"select count(*) from {table} t where t::text like '%' || @needle || '%'", connection);
                scan.Parameters.AddWithValue("needle", needle);
                if ((long)(await scan.ExecuteScalarAsync())! > 0) hits.Add($"{connection.Database}.{table}: {needle}");
            }
        }
        return hits;
    }

    private static object Report() => new
    {
        channel = "statePortal",
        title = "Autopilot braked on a crossing",
        description = "A robotaxi braked hard and a passenger was hurt.",
        aiInvolvement = "The perception model misread a shadow.",
        occurredAt = DateTimeOffset.UtcNow.AddDays(-1),
        location = new { regionCode = "77", address = "Tverskaya 1" },
        harms = new[] { new { type = "injuryToHealth", severity = "serious", personsAffected = 1 } },
        aiSystem = new { name = "RoboTaxi", @operator = "Taxi LLC" },
        reporter = new { fullName = Name, contacts = new { phone = Phone, email = Email }, consentToProcessing = true },
    };

    [Fact]
    public async Task A_reporters_name_and_phone_are_never_stored_or_logged_in_plaintext_and_erasure_keeps_the_chain_valid()
    {
        var portal = system.Incidents.Client(Tokens.Integration("gosuslugi"));
        var regulator = system.Incidents.Client(Tokens.Regulator("reg-erasure"));
        var auditor = system.Incidents.Client(Tokens.Auditor());
        var filing = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents") { Content = JsonContent.Create(Report()) };
        filing.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var filed = await portal.SendAsync(filing);
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var id = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // The authorised read: the regulator's dossier decrypts.
        var reporter = (await regulator.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}/dossier")).GetProperty("report").GetProperty("reporter");
        Assert.Equal(Name, reporter.GetProperty("fullName").GetString());
        Assert.Equal(Phone, reporter.GetProperty("contacts").GetProperty("phone").GetString());
        var auditorView = await auditor.GetStringAsync($"/api/v1/incidents/{id}/dossier");
        Assert.DoesNotContain(Name, auditorView);
        Assert.DoesNotContain(Phone, auditorView);

        Assert.NotEmpty(await PlaintextHits("Autopilot braked on a crossing")); // the scan does see what is stored in plaintext
        Assert.Empty(await PlaintextHits(Name, Phone, Email));
        Assert.DoesNotContain(LogLines, l => l.Contains(Name) || l.Contains(Phone) || l.Contains(Email));

        var erased = await regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/reporter/erasure",
            new { legalGround = "152-FZ art. 21 p. 5: the reporter withdrew consent" });
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);

        var after = (await regulator.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}/dossier")).GetProperty("report").GetProperty("reporter");
        Assert.Equal(PersonalDataVault.ErasedMarker, after.GetProperty("fullName").GetString());
        Assert.Equal(PersonalDataVault.ErasedMarker, after.GetProperty("contacts").GetProperty("phone").GetString());
        Assert.Empty(await PlaintextHits(Name, Phone, Email));
        Assert.DoesNotContain(LogLines, l => l.Contains(Name) || l.Contains(Phone) || l.Contains(Email));

        var verification = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/streams/{id}/verify");
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        Assert.Equal(2, verification.GetProperty("eventsChecked").GetInt64());
    }

    [Fact]
    public async Task The_logs_of_a_full_scenario_carry_no_personal_data_and_no_tokens()
    {
        const string ogrn = "1027700132195";
        var tokens = new[] { Tokens.Integration("gosuslugi"), Tokens.Regulator("reg-logs"), Tokens.Auditor(), Tokens.Applicant(ogrn) };
        var regulatorOfApplications = system.Applications.Client(tokens[1]);
        var regime = await regulatorOfApplications.PostAsJsonAsync("/api/v1/regimes", Requests.Regime("Logged"));
        Assert.Equal(HttpStatusCode.Created, regime.StatusCode);
        var regimeId = (await regime.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var applied = await system.Applications.Client(tokens[3]).PostAsJsonAsync("/api/v1/applications", new
        {
            regimeId,
            company = new { legalName = "Robotaxi LLC", ogrn, inn = "7707083893", address = "Moscow, Tverskaya 1" },
            contact = new { email = "office@robotaxi.ru" },
            plannedAiUse = "Driverless shuttles",
            requestedTerm = new { startsOn = "2026-04-01", endsOn = "2027-03-31" },
            territory = new[] { "77" },
            insurance = new
            {
                insurerName = "Ingosstrakh", insurerInn = "7705042179", policyNumber = "GO-1", sumInsured = new { amount = 30_000_000m, currency = "RUB" },
                coveredRisks = new[] { "life", "health", "property" }, coversAiHarm = true, validFrom = "2026-01-01", validTo = "2027-12-31",
            },
            responsiblePersons = new[] { new { fullName = "Pavel Orlov", position = "CTO", areaOfResponsibility = "Autopilot",
                contact = new { email = PersonEmail, phone = PersonPhone } } },
        });
        Assert.True(applied.StatusCode == HttpStatusCode.Created, await applied.Content.ReadAsStringAsync());
        var applicationId = (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var ownView = await system.Applications.Client(tokens[3]).GetStringAsync($"/api/v1/applications/{applicationId}");
        Assert.Contains(PersonEmail, ownView); // the company reads its own filing
        var portal = system.Incidents.Client(tokens[0]);
        var regulator = system.Incidents.Client(tokens[1]);
        var filing = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents") { Content = JsonContent.Create(Report()) };
        filing.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var id = (await (await portal.SendAsync(filing)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var invalid = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents")
        {
            Content = JsonContent.Create(new { reporter = new { fullName = Name, contacts = new { phone = Phone }, consentToProcessing = false } }),
        };
        invalid.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.BadRequest, (await portal.SendAsync(invalid)).StatusCode);
        await regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { });
        await regulator.GetAsync($"/api/v1/incidents/{id}/dossier");
        await system.Incidents.Client(tokens[2]).GetAsync($"/api/v1/incidents/{id}/dossier");
        await system.Incidents.Client("eyJhbGciOiJIUzI1NiJ9.forged.token").GetAsync($"/api/v1/incidents/{id}/dossier");
        await regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/reporter/erasure", new { legalGround = "152-FZ art. 21" });

        Assert.Empty(await PlaintextHits(Name, Phone, Email, PersonEmail, PersonPhone));
        var lines = LogLines.ToList();
        Assert.NotEmpty(lines);
        Assert.DoesNotContain(lines, l => l.Contains(Name) || l.Contains(Phone) || l.Contains(Email));
        Assert.DoesNotContain(lines, l => l.Contains(PersonEmail) || l.Contains(PersonPhone));
        Assert.DoesNotContain(lines, l => l.Contains("eyJ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Bearer ", StringComparison.OrdinalIgnoreCase));
        foreach (var token in tokens) Assert.DoesNotContain(lines, l => l.Contains(token[^20..], StringComparison.Ordinal));
    }
}
